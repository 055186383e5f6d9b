package main

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/prbot"
	"github.com/oamfix/oamfix/prbot/prbottest"
)

const prTestToken = "ghp_CLItoken0123456789SECRET"

// prRepo creates a checkout of a repository holding the bundled example
// and its config, with a fake GitHub beside it.
func prRepo(t *testing.T) (*prbottest.Repo, *prbottest.GitHub) {
	t.Helper()
	prbottest.GitEnv(t)
	app, err := os.ReadFile("../../examples/parking-platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../examples/.oamfix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	repo := prbottest.NewRepo(t, map[string]string{
		"apps/parking-platform.yaml": string(app),
		"apps/.oamfix.yaml":          string(cfg),
	})
	return repo, prbottest.NewGitHub(t, prTestToken, repo.Remote)
}

func runCLI(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := run(args, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestPROpensPullRequestWithReport(t *testing.T) {
	repo, gh := prRepo(t)
	t.Setenv("GITHUB_TOKEN", prTestToken)
	args := []string{"pr", "--repo", repo.Work, "--api-url", gh.URL, "--repo-slug", prbottest.Slug, "apps"}
	code, stdout, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "opened pull request #1") || !strings.Contains(stderr, "using config apps/.oamfix.yaml") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	state, title, body, ok := gh.Pull(1)
	if !ok || state != "open" || title != prbot.Title {
		t.Fatalf("pull request #1: %q %q (exists %v)", state, title, ok)
	}
	// The body is the markdown report: every rule that fired, and how to exempt a fix.
	for _, id := range []string{"replicas", "probes", "cors", "circuit-breaker", "network-policy", "staging"} {
		if !strings.Contains(body, id) {
			t.Errorf("the body does not mention rule %s", id)
		}
		if !strings.Contains(stdout, prbot.CommitSubject(id)) {
			t.Errorf("no commit %q in:\n%s", prbot.CommitSubject(id), stdout)
		}
	}
	if !strings.Contains(body, "## What oamfix fixed") || !strings.Contains(body, "## Scaling arithmetic") {
		t.Errorf("the body is not the markdown review report:\n%s", body)
	}
	if !strings.Contains(body, "oamfix.dev/skip") || !strings.Contains(body, "oamfix:ignore") {
		t.Errorf("the body does not say how to exempt a fix:\n%s", body)
	}

	// A second run changes nothing.
	sha := repo.RemoteSHA(t, prbot.DefaultBranch)
	if code, stdout, stderr := runCLI(args...); code != 0 || !strings.Contains(stdout, "is up to date") {
		t.Errorf("second run: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if repo.RemoteSHA(t, prbot.DefaultBranch) != sha || gh.Count("POST") != 1 || gh.Count("PATCH") != 0 {
		t.Error("the second run pushed or called the API to change something")
	}
}

func TestPRExitCodes(t *testing.T) {
	repo, gh := prRepo(t)
	base := []string{"pr", "--repo", repo.Work, "--api-url", gh.URL, "--repo-slug", prbottest.Slug}
	t.Setenv("GITHUB_TOKEN", "")
	for _, tc := range []struct {
		name string
		args []string
		want int
		msg  string
	}{
		{"no token", base, 2, "GITHUB_TOKEN is not set"},
		{"dry run needs no token", append(base, "--dry-run"), 0, "pull request body:"},
		{"base branch", append(base, "--dry-run", "--branch", "main"), 2, "never pushes to it"},
		{"unknown rule", append(base, "--rules", "bogus"), 2, "unknown rule"},
		{"unknown flag", append(base, "--bogus"), 2, "unknown flag"},
		{"missing path", append(base, "--dry-run", "nope"), 2, "not found"},
	} {
		code, stdout, stderr := runCLI(tc.args...)
		if code != tc.want || !strings.Contains(stdout+stderr, tc.msg) {
			t.Errorf("%s: exit %d, want %d with %q\nstdout:\n%s\nstderr:\n%s", tc.name, code, tc.want, tc.msg, stdout, stderr)
		}
	}

	// A failure of the GitHub API is exit 1, and the token it echoes is redacted.
	t.Setenv("GITHUB_TOKEN", prTestToken)
	gh.EchoTokenOnCreate()
	code, stdout, stderr := runCLI(base...)
	if code != 1 || !strings.Contains(stderr, "422") {
		t.Errorf("API failure: exit %d\nstderr:\n%s", code, stderr)
	}
	if strings.Contains(stdout+stderr, prTestToken) {
		t.Errorf("the token was printed:\n%s\n%s", stdout, stderr)
	}
}

func TestPRHelpAndCompletion(t *testing.T) {
	code, stdout, _ := runCLI("pr", "--help")
	for _, s := range []string{"Examples:", "oamfix pr --dry-run", "--close-stale", "--api-url", "--repo-slug", "--base", "--branch", "--remote"} {
		if code != 0 || !strings.Contains(stdout, s) {
			t.Errorf("oamfix pr --help (exit %d) lacks %q", code, s)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		if code, stdout, stderr := runCLI("completion", shell); code != 0 || !strings.Contains(stdout, "oamfix") {
			t.Errorf("oamfix completion %s: exit %d\n%s", shell, code, stderr)
		}
	}
}

// TestPRNeverPrintsTheToken sends the token through every output stream
// of oamfix pr and checks that none shows it: the token is in the folder
// the apps live in (so it is in the commit's file list and the dry run's
// body on stdout, and in "using config ..." on stderr), in the pull
// request URL the API returns (stdout), and in an API error (stderr, exit
// 1). Each stream must show the redaction where the token was.
func TestPRNeverPrintsTheToken(t *testing.T) {
	prbottest.GitEnv(t)
	app, err := os.ReadFile("../../examples/parking-platform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile("../../examples/.oamfix.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := "apps-" + prTestToken
	repo := prbottest.NewRepo(t, map[string]string{
		dir + "/parking-platform.yaml": string(app),
		dir + "/.oamfix.yaml":          string(cfg),
	})
	gh := prbottest.NewGitHub(t, prTestToken, repo.Remote)
	gh.EchoTokenInURLs()
	t.Setenv("GITHUB_TOKEN", prTestToken)
	base := []string{"pr", "--repo", repo.Work, "--api-url", gh.URL, "--repo-slug", prbottest.Slug}
	redactedDir := "apps-" + prbot.Redacted

	for _, tc := range []struct {
		name        string
		args        []string
		setup       func()
		code        int
		out, errOut []string // what stdout and stderr must show
	}{
		{"dry run", append(append([]string{}, base...), "--dry-run", dir), nil, 0,
			[]string{redactedDir + "/parking-platform.yaml", "pull request body:"}, []string{"using config " + redactedDir + "/.oamfix.yaml"}},
		{"opened", append(append([]string{}, base...), dir), nil, 0,
			[]string{redactedDir + "/parking-platform.yaml", "opened pull request #1: https://github.com/" + prbottest.Slug + "/pull/1?access_token=" + prbot.Redacted}, []string{"using config " + redactedDir}},
		{"API error", append(append([]string{}, base...), "--branch", "oamfix/other", dir), gh.EchoTokenOnCreate, 1,
			[]string{redactedDir + "/parking-platform.yaml"}, []string{"422", "Authorization: Bearer " + prbot.Redacted}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			code, stdout, stderr := runCLI(tc.args...)
			for stream, text := range map[string]string{"stdout": stdout, "stderr": stderr} {
				if strings.Contains(text, prTestToken) || strings.Contains(text, prTestToken[4:20]) {
					t.Errorf("the token appears on %s:\n%s", stream, text)
				}
			}
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, want := range tc.out {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q (the token's place, redacted):\n%s", want, stdout)
				}
			}
			for _, want := range tc.errOut {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q (the token's place, redacted):\n%s", want, stderr)
				}
			}
		})
	}
}
