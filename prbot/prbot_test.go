package prbot_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/prbot"
	"github.com/oamfix/oamfix/prbot/prbottest"
)

// token is the fake GitHub token; it must never be printed.
const token = "ghp_TESTtoken0123456789abcdefSECRET"

// shopApp needs replicas, probes, cors, circuit-breaker and network-policy fixes.
const shopApp = `apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: shop
  namespace: shop
spec:
  components:
    - name: api
      type: webservice
      properties:
        image: registry.example.com/shop/api:1.0.0
        ports:
          - port: 8080
            expose: true
        env:
          - name: CORS_ALLOWED_ORIGINS
            value: "*"
      traits:
        - type: hpa
          properties:
            min: 1
            max: 4
`

// billingComponent is appended to shopApp's components by a later commit.
const billingComponent = `    - name: billing
      type: webservice
      properties:
        image: registry.example.com/shop/billing:1.0.0
        ports:
          - port: 9000
            expose: true
`

const shopConfig = `apiVersion: oamfix.dev/v1alpha1
kind: OAMFixConfig
spec:
  cors:
    allowedOrigins: [https://shop.example.com]
`

// wantRules fire on shopApp, in fixers.All() order.
var wantRules = []string{"replicas", "probes", "cors", "circuit-breaker", "network-policy"}

// testBody renders a minimal body: one line per finding. (The CLI renders
// the markdown report; the tests here are about the bot.)
func testBody(fs []fixers.Finding, _ *config.Config) (string, error) {
	var b strings.Builder
	b.WriteString("oamfix report\n\n")
	for _, f := range fs {
		fmt.Fprintf(&b, "- %s [%s] %s: %s\n", f.Status, f.Rule, f.File, f.Message)
	}
	return b.String(), nil
}

// setup creates the repository and the fake GitHub.
func setup(t *testing.T) (*prbottest.Repo, *prbottest.GitHub) {
	t.Helper()
	prbottest.GitEnv(t)
	repo := prbottest.NewRepo(t, map[string]string{
		"apps/shop.yaml": shopApp,
		".oamfix.yaml":   shopConfig,
		"README.md":      "shop\n",
	})
	return repo, prbottest.NewGitHub(t, token, repo.Remote)
}

// run runs the bot with the test defaults, then mods.
func run(t *testing.T, repo *prbottest.Repo, gh *prbottest.GitHub, mods ...func(*prbot.Options)) (*prbot.Result, string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	o := prbot.Options{
		Dir:      repo.Work,
		Paths:    []string{"apps"},
		APIURL:   gh.URL,
		RepoSlug: prbottest.Slug,
		Token:    token,
		Rules:    fixers.All(),
		Body:     testBody,
		Stdout:   &stdout,
		Stderr:   &stderr,
	}
	for _, m := range mods {
		m(&o)
	}
	res, err := prbot.Run(context.Background(), o)
	return res, stdout.String(), stderr.String(), err
}

// branchSubjects lists the subjects of the remote branch's commits on top of main.
func branchSubjects(t *testing.T, repo *prbottest.Repo) []string {
	t.Helper()
	out := prbottest.Git(t, repo.Remote, "log", "--reverse", "--format=%s", "main.."+prbot.DefaultBranch)
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// firedRules lists, in fixers.All() order, the rules with fixed findings.
func firedRules(fs []fixers.Finding) []string {
	var ids []string
	for _, r := range fixers.All() {
		for _, f := range fs {
			if f.Rule == r.ID && f.Status == fixers.Fixed {
				ids = append(ids, r.ID)
				break
			}
		}
	}
	return ids
}

// checkoutState captures what a run must not change in the user's clone.
func checkoutState(t *testing.T, repo *prbottest.Repo) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo.Work, "apps", "shop.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{
		prbottest.Git(t, repo.Work, "rev-parse", "HEAD"),
		prbottest.Git(t, repo.Work, "symbolic-ref", "HEAD"),
		// git push updates the remote-tracking ref of a pushed branch, as always.
		prbottest.Git(t, repo.Work, "for-each-ref", "refs/heads", "refs/tags"),
		prbottest.Git(t, repo.Work, "status", "--porcelain", "--ignored"),
		prbottest.Git(t, repo.Work, "worktree", "list", "--porcelain"),
		string(data),
	}, "\n---\n")
}

func TestFirstRunOpensPullRequest(t *testing.T) {
	repo, gh := setup(t)
	before := checkoutState(t, repo)
	res, stdout, stderr, err := run(t, repo, gh)
	if err != nil {
		t.Fatalf("Run: %v\nstderr: %s", err, stderr)
	}
	if res.Action != prbot.Opened || !res.Pushed || res.PullRequest == nil || res.PullRequest.Number != 1 {
		t.Fatalf("result %+v, want a pushed branch and pull request #1 opened", res)
	}

	// One commit per rule that fired, in rule order, with conventional subjects.
	fired := firedRules(res.Findings)
	for _, id := range wantRules {
		if !slices.Contains(fired, id) {
			t.Errorf("rule %s did not fire on the test app (fired: %v)", id, fired)
		}
	}
	var want []string
	for _, id := range fired {
		want = append(want, prbot.CommitSubject(id))
	}
	if got := branchSubjects(t, repo); !slices.Equal(got, want) {
		t.Errorf("remote branch commits:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if want := "fix(oam): add startup, liveness and readiness probes (probes)"; !slices.Contains(branchSubjects(t, repo), want) {
		t.Errorf("no commit %q", want)
	}
	if sha := repo.RemoteSHA(t, prbot.DefaultBranch); sha != res.Commits[len(res.Commits)-1].SHA {
		t.Errorf("remote branch at %s, want the last commit %s", sha, res.Commits[len(res.Commits)-1].SHA)
	}
	// The branch holds the fixed file, based on main.
	fixed := prbottest.Git(t, repo.Remote, "show", prbot.DefaultBranch+":apps/shop.yaml")
	for _, s := range []string{"readinessProbe", "circuit-breaker", "network-policy", "https://shop.example.com"} {
		if !strings.Contains(fixed, s) {
			t.Errorf("fixed file on the branch lacks %q:\n%s", s, fixed)
		}
	}
	if mb := prbottest.Git(t, repo.Remote, "merge-base", "main", prbot.DefaultBranch); mb != repo.RemoteSHA(t, "main") {
		t.Errorf("branch is not based on main")
	}

	// The pull request: created once, from the branch into main, with the report.
	if n := gh.Count("POST"); n != 1 {
		t.Errorf("%d POSTs, want 1", n)
	}
	for _, r := range gh.Requests() {
		if r.Method == "POST" {
			if r.Body["head"] != prbot.DefaultBranch || r.Body["base"] != "main" || r.Body["title"] != prbot.Title {
				t.Errorf("create request %v", r.Body)
			}
		}
	}
	state, _, body, _ := gh.Pull(1)
	if state != "open" || body != res.Body {
		t.Errorf("pull request state %q, body matches: %v", state, body == res.Body)
	}
	for _, f := range res.Findings {
		if f.Status == fixers.Fixed && !strings.Contains(body, f.Message) {
			t.Errorf("body does not list the fix %q", f.Message)
		}
	}
	if !strings.Contains(stdout, "opened pull request #1") || !strings.Contains(stdout, "pushed "+prbot.DefaultBranch) {
		t.Errorf("stdout:\n%s", stdout)
	}
	if !strings.Contains(stderr, "using config .oamfix.yaml") {
		t.Errorf("stderr does not name the discovered config:\n%s", stderr)
	}
	if after := checkoutState(t, repo); after != before {
		t.Errorf("the user's checkout changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestSecondRunWithoutChangesDoesNothing(t *testing.T) {
	repo, gh := setup(t)
	if _, _, stderr, err := run(t, repo, gh); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	sha := repo.RemoteSHA(t, prbot.DefaultBranch)
	_, _, firstBody, _ := gh.Pull(1)
	posts, patches := gh.Count("POST"), gh.Count("PATCH")

	res, stdout, stderr, err := run(t, repo, gh)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, stderr)
	}
	if res.Pushed || res.Action != prbot.Unchanged {
		t.Errorf("second run: pushed %v, action %s; want no push, unchanged", res.Pushed, res.Action)
	}
	if got := repo.RemoteSHA(t, prbot.DefaultBranch); got != sha {
		t.Errorf("remote branch moved from %s to %s", sha, got)
	}
	if gh.Count("POST") != posts || gh.Count("PATCH") != patches {
		t.Errorf("second run sent %d POST and %d PATCH requests, want none", gh.Count("POST")-posts, gh.Count("PATCH")-patches)
	}
	if _, _, body, _ := gh.Pull(1); body != firstBody || res.Body != firstBody {
		t.Errorf("body changed on a run without changes")
	}
	if !strings.Contains(stdout, "already has these fixes; not pushing") || !strings.Contains(stdout, "is up to date") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestNewFindingUpdatesBranchAndBody(t *testing.T) {
	repo, gh := setup(t)
	if _, _, stderr, err := run(t, repo, gh); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	sha := repo.RemoteSHA(t, prbot.DefaultBranch)
	_, _, firstBody, _ := gh.Pull(1)
	if strings.Contains(firstBody, "billing") {
		t.Fatal("the first body already mentions billing")
	}

	// A new component lands on main.
	repo.Commit(t, "add billing", map[string]string{"apps/shop.yaml": shopApp + billingComponent})
	main := repo.RemoteSHA(t, "main")

	res, stdout, stderr, err := run(t, repo, gh)
	if err != nil {
		t.Fatalf("second run: %v\n%s", err, stderr)
	}
	if !res.Pushed || res.Action != prbot.Updated {
		t.Fatalf("pushed %v, action %s; want a force-update and an updated body\n%s", res.Pushed, res.Action, stdout)
	}
	newSHA := repo.RemoteSHA(t, prbot.DefaultBranch)
	if newSHA == sha {
		t.Error("the remote branch did not move")
	}
	if mb := prbottest.Git(t, repo.Remote, "merge-base", "main", prbot.DefaultBranch); mb != main {
		t.Errorf("the updated branch is not based on the new main")
	}
	if n := len(branchSubjects(t, repo)); n != len(res.Commits) {
		t.Errorf("branch has %d commits on main, want %d (one per rule)", n, len(res.Commits))
	}
	if gh.Count("POST") != 1 {
		t.Errorf("%d POSTs, want only the first run's", gh.Count("POST"))
	}
	state, _, body, _ := gh.Pull(1)
	if state != "open" || !strings.Contains(body, `component "billing"`) || body != res.Body {
		t.Errorf("pull request #1 body was not updated with the billing findings:\n%s", body)
	}
	fixed := prbottest.Git(t, repo.Remote, "show", prbot.DefaultBranch+":apps/shop.yaml")
	if !strings.Contains(fixed, "name: billing") || strings.Count(fixed, "type: circuit-breaker") != 2 {
		t.Errorf("the branch does not fix billing:\n%s", fixed)
	}
}

func TestNewBaseRetargetsPullRequest(t *testing.T) {
	repo, gh := setup(t)
	if _, _, stderr, err := run(t, repo, gh); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	// release differs from main by one file, so the fixed tree differs too.
	repo.Commit(t, "a release note", map[string]string{"RELEASE.md": "1.0\n"})
	prbottest.Git(t, repo.Work, "push", "--quiet", "origin", "main:release")

	res, stdout, stderr, err := run(t, repo, gh, func(o *prbot.Options) { o.Base = "release" })
	if err != nil {
		t.Fatalf("run with --base release: %v\n%s", err, stderr)
	}
	if !res.Pushed || res.Action != prbot.Updated || gh.Base(1) != "release" || gh.Count("POST") != 1 {
		t.Errorf("pushed %v, action %s, base %q, %d POSTs; want pull request #1 retargeted to release\n%s",
			res.Pushed, res.Action, gh.Base(1), gh.Count("POST"), stdout)
	}
	if mb := prbottest.Git(t, repo.Remote, "merge-base", "release", prbot.DefaultBranch); mb != repo.RemoteSHA(t, "release") {
		t.Errorf("the branch is not based on release")
	}
}

func TestNothingToFixClosesStalePullRequest(t *testing.T) {
	repo, gh := setup(t)
	if _, _, stderr, err := run(t, repo, gh); err != nil {
		t.Fatalf("first run: %v\n%s", err, stderr)
	}
	// Someone lands the fixes on main by other means; the PR stays open.
	prbottest.Git(t, repo.Work, "fetch", "--quiet", "origin", prbot.DefaultBranch)
	prbottest.Git(t, repo.Work, "merge", "--quiet", "--ff-only", "FETCH_HEAD")
	prbottest.Git(t, repo.Work, "push", "--quiet", "origin", "main")
	calls := len(gh.Requests())
	sha := repo.RemoteSHA(t, prbot.DefaultBranch)

	res, stdout, _, err := run(t, repo, gh)
	if err != nil || res.Action != prbot.NothingToFix || len(gh.Requests()) != calls {
		t.Fatalf("without --close-stale: err %v, action %s, %d API calls; want nothing done\n%s", err, res.Action, len(gh.Requests())-calls, stdout)
	}
	if state, _, _, _ := gh.Pull(1); state != "open" {
		t.Errorf("pull request closed without --close-stale")
	}

	res, stdout, _, err = run(t, repo, gh, func(o *prbot.Options) { o.CloseStale = true })
	if err != nil || res.Action != prbot.Closed {
		t.Fatalf("with --close-stale: err %v, action %s\n%s", err, res.Action, stdout)
	}
	if state, _, _, _ := gh.Pull(1); state != "closed" {
		t.Errorf("pull request #1 is %s, want closed", state)
	}
	if got := repo.RemoteSHA(t, prbot.DefaultBranch); got != sha {
		t.Errorf("nothing to fix, yet the branch moved")
	}
	if !strings.Contains(stdout, "closed stale pull request #1") {
		t.Errorf("stdout:\n%s", stdout)
	}
}

func TestDryRunLeavesRemoteAndCheckoutUntouched(t *testing.T) {
	repo, gh := setup(t)
	before := checkoutState(t, repo)
	refsBefore := prbottest.Git(t, repo.Work, "for-each-ref")
	remoteBefore := prbottest.Git(t, repo.Remote, "for-each-ref")

	res, stdout, stderr, err := run(t, repo, gh, func(o *prbot.Options) { o.DryRun = true })
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, stderr)
	}
	if res.Action != prbot.DryRun || res.Pushed || len(res.Commits) != len(firedRules(res.Findings)) {
		t.Errorf("result %+v", res)
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("dry run made %d API calls", n)
	}
	if got := prbottest.Git(t, repo.Remote, "for-each-ref"); got != remoteBefore {
		t.Errorf("remote refs changed:\n%s\nwant:\n%s", got, remoteBefore)
	}
	if after := checkoutState(t, repo); after != before {
		t.Errorf("the user's checkout changed:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if got := prbottest.Git(t, repo.Work, "for-each-ref"); got != refsBefore {
		t.Errorf("the checkout's refs changed:\n%s\nwant:\n%s", got, refsBefore)
	}
	for _, s := range []string{"branch " + prbot.DefaultBranch + " (base main)", prbot.CommitSubject("replicas"),
		prbot.CommitSubject("network-policy"), "apps/shop.yaml", "pull request body:", res.Body} {
		if !strings.Contains(stdout, s) {
			t.Errorf("dry-run output lacks %q:\n%s", s, stdout)
		}
	}
}

func TestRefusesToPushToTheBaseBranch(t *testing.T) {
	repo, gh := setup(t)
	remoteBefore := prbottest.Git(t, repo.Remote, "for-each-ref")
	for name, mod := range map[string]func(*prbot.Options){
		"branch is the default": func(o *prbot.Options) { o.Branch = "main" },
		"branch is the base":    func(o *prbot.Options) { o.Branch, o.Base = "release", "release" },
		"default under a base":  func(o *prbot.Options) { o.Branch, o.Base = "main", "release" },
	} {
		_, _, _, err := run(t, repo, gh, mod)
		if !prbot.IsUsage(err) || !strings.Contains(err.Error(), "never pushes to it") {
			t.Errorf("%s: err %v, want a usage error refusing the branch", name, err)
		}
	}
	if got := prbottest.Git(t, repo.Remote, "for-each-ref"); got != remoteBefore {
		t.Errorf("remote refs changed:\n%s", got)
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d API calls", n)
	}
}

func TestRefusesDirtyWorkingTree(t *testing.T) {
	repo, gh := setup(t)
	p := filepath.Join(repo.Work, "apps", "shop.yaml")
	if err := os.WriteFile(p, []byte(shopApp+"# local edit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := run(t, repo, gh)
	if !prbot.IsUsage(err) || !strings.Contains(err.Error(), "uncommitted changes") || !strings.Contains(err.Error(), "apps/shop.yaml") {
		t.Errorf("err %v, want a usage error naming the uncommitted change", err)
	}
	if data, _ := os.ReadFile(p); string(data) != shopApp+"# local edit\n" {
		t.Error("the local edit was lost")
	}
	if sha := repo.RemoteSHA(t, prbot.DefaultBranch); sha != "" {
		t.Error("a branch was pushed")
	}

	// Untracked files do not make the tree dirty.
	if err := os.WriteFile(p, []byte(shopApp), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo.Work, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := run(t, repo, gh, func(o *prbot.Options) { o.DryRun = true }); err != nil {
		t.Errorf("untracked file: %v", err)
	}
}

func TestUsageErrors(t *testing.T) {
	repo, gh := setup(t)
	for name, tc := range map[string]struct {
		mod  func(*prbot.Options)
		want string
	}{
		"no token":        {func(o *prbot.Options) { o.Token = "" }, "GITHUB_TOKEN is not set"},
		"unknown remote":  {func(o *prbot.Options) { o.Remote = "nope" }, `no git remote "nope"`},
		"local remote":    {func(o *prbot.Options) { o.RepoSlug = "" }, "pass --repo-slug"},
		"bad slug":        {func(o *prbot.Options) { o.RepoSlug = "acme" }, "is not OWNER/NAME"},
		"bad API URL":     {func(o *prbot.Options) { o.APIURL = "ftp://x" }, "--api-url"},
		"outside":         {func(o *prbot.Options) { o.Paths = []string{"../elsewhere"} }, "outside the repository"},
		"missing path":    {func(o *prbot.Options) { o.Paths = []string{"nope"} }, "nope: not found on origin/main"},
		"bad branch name": {func(o *prbot.Options) { o.Branch = "a..b" }, "not a valid branch name"},
		"no base":         {func(o *prbot.Options) { o.Base = "develop" }, "base branch develop does not exist"},
		"not a checkout":  {func(o *prbot.Options) { o.Dir = t.TempDir() }, "not inside a git checkout"},
	} {
		_, _, _, err := run(t, repo, gh, tc.mod)
		if !prbot.IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want a usage error containing %q", name, err, tc.want)
		}
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d API calls", n)
	}
}

func TestTokenIsRedacted(t *testing.T) {
	repo, gh := setup(t)
	check := func(name, stdout, stderr string, err error, redacted bool) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		t.Logf("%s: %v", name, err)
		for where, s := range map[string]string{"error": err.Error(), "stdout": stdout, "stderr": stderr} {
			if strings.Contains(s, token) || strings.Contains(s, token[4:20]) {
				t.Errorf("%s: the token appears in %s:\n%s", name, where, s)
			}
		}
		if redacted && !strings.Contains(err.Error(), prbot.Redacted) {
			t.Errorf("%s: error %q shows no redaction", name, err)
		}
	}

	// GitHub's error body echoes the token.
	gh.EchoTokenOnCreate()
	_, stdout, stderr, err := run(t, repo, gh)
	check("API error echoing the token", stdout, stderr, err, true)
	if prbot.IsUsage(err) || !strings.Contains(err.Error(), "422") {
		t.Errorf("API error: %v, want a failure naming the 422", err)
	}

	// An error message that quotes a remote URL carrying the token.
	leaky := strings.Replace(gh.URL, "http://", "http://x-access-token:"+token+"@", 1) + "/shop.git"
	prbottest.Git(t, repo.Work, "remote", "add", "leaky", leaky)
	_, stdout, stderr, err = run(t, repo, gh, func(o *prbot.Options) { o.Remote, o.RepoSlug = "leaky", "" })
	check("remote URL with the token", stdout, stderr, err, true)

	// Over HTTP, git gets the token from the credential helper: it is sent
	// to the server but never written to the remote URL or .git/config.
	prbottest.Git(t, repo.Work, "remote", "add", "github", gh.URL+"/"+prbottest.Slug+".git")
	_, stdout, stderr, err = run(t, repo, gh, func(o *prbot.Options) { o.Remote, o.RepoSlug, o.Base = "github", "", "main" })
	check("authentication failure", stdout, stderr, err, false)
	if !slices.Contains(gh.GitAuth(), "x-access-token:"+token) {
		t.Errorf("git did not authenticate with the token through the credential helper: %q", gh.GitAuth())
	}
	cfg, _ := os.ReadFile(filepath.Join(repo.Work, ".git", "config"))
	if url := prbottest.Git(t, repo.Work, "remote", "get-url", "github"); strings.Contains(url, token) || strings.Count(string(cfg), token) != 1 {
		t.Errorf("the token was written to .git/config (only the leaky remote the test added may hold it):\n%s", cfg)
	}
}

func TestSlugFromRemote(t *testing.T) {
	for in, want := range map[string]string{
		"https://github.com/acme/shop.git":                        "acme/shop",
		"https://github.com/acme/shop":                            "acme/shop",
		"https://x-access-token:secret@github.com/acme/shop.git":  "acme/shop",
		"https://github.example.com/acme/shop.git/":               "acme/shop",
		"git@github.com:acme/shop.git":                            "acme/shop",
		"github.com:acme/shop":                                    "acme/shop",
		"ssh://git@github.com/acme/shop.git":                      "acme/shop",
		"ssh://git@github.example.com:2222/acme/shop-api.v2.git":  "acme/shop-api.v2",
		"/tmp/remote.git":                                         "",
		"file:///srv/git/acme/shop.git":                           "",
		"../shop.git":                                             "",
		"https://github.com/shop":                                 "",
		"C:/repos/shop.git":                                       "",
		"c:acme/shop":                                             "",
		"https://github.com/acme/shop%20x":                        "",
		"git@github.com:acme/shop.git?x=y":                        "",
		"https://github.com/acme/shop.git#frag":                   "acme/shop",
		"https://user@github.com:443/acme/shop.git":               "acme/shop",
		"http://127.0.0.1:8080/acme/shop.git":                     "acme/shop",
		"ssh://github.com/acme/shop":                              "acme/shop",
		"git://github.com/acme/shop.git":                          "acme/shop",
		"https://github.com/":                                     "",
		"":                                                        "",
		"acme/shop":                                               "",
		"https://x-access-token:secret@github.com/acme/shop.git ": "",
	} {
		got, ok := prbot.SlugFromRemote(in)
		if got != want || ok != (want != "") {
			t.Errorf("SlugFromRemote(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestRedactor(t *testing.T) {
	const tok = "ghs_s3cr3tT0KENvalue0123456789abcdefABCD"
	basic := base64.StdEncoding.EncodeToString([]byte("x-access-token:" + tok))
	r := prbot.NewRedactor(tok)
	for in, want := range map[string]string{
		"token " + tok + " here":                        "token *** here",
		"https://x-access-token:" + tok + "@host/x.git": "https://***@host/x.git",
		"x-access-token:" + tok + "@":                   "x-access-token:***@",
		"Authorization: Basic " + basic:                 "Authorization: Basic ***",
		"https://user:pass@example.com/":                "https://***@example.com/",
		"ssh://git@github.com/acme/shop":                "ssh://git@github.com/acme/shop",
		"nothing secret":                                "nothing secret",
	} {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	err := r.Error(fmt.Errorf("wrapped: %w", &prbot.UsageError{Msg: "bad " + tok}))
	if !prbot.IsUsage(err) || err.Error() != "wrapped: bad ***" {
		t.Errorf("Error gave %v (usage %v)", err, prbot.IsUsage(err))
	}
	if err := r.Error(errors.New(tok)); prbot.IsUsage(err) || errors.Unwrap(err) != nil || err.Error() != "***" {
		t.Errorf("Error gave %v", err)
	}
}

func TestCommitSubject(t *testing.T) {
	for id, want := range map[string]string{
		"replicas":        "fix(oam): raise replica floors and autoscaling ceilings (replicas)",
		"probes":          "fix(oam): add startup, liveness and readiness probes (probes)",
		"cors":            "fix(oam): restrict CORS origins (cors)",
		"circuit-breaker": "fix(oam): add circuit breakers (circuit-breaker)",
		"network-policy":  "fix(oam): add network policies (network-policy)",
		"staging":         "fix(oam): add a staging environment (staging)",
		"future-rule":     "fix(oam): apply fixes (future-rule)",
	} {
		if got := prbot.CommitSubject(id); got != want {
			t.Errorf("CommitSubject(%q) = %q, want %q", id, got, want)
		}
	}
}
