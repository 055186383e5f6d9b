package prbot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oamfix/oamfix/internal/testenv"
	"github.com/oamfix/oamfix/prbot"
	"github.com/oamfix/oamfix/prbot/prbottest"
)

// TestLinkedFolderOutOfTheWorktree (issue item 3): a committed symbolic
// link to a folder of the user's own checkout, named as a PATH or on the
// way to one, is refused (exit 2) before anything is written: the dry run
// no longer rewrites the user's checkout through it. A run over the whole
// repository, links included, works as before (walking a folder does not
// follow links).
func TestLinkedFolderOutOfTheWorktree(t *testing.T) {
	repo, gh := setup(t)
	// The link's target is absolute: the user's checkout, wherever the
	// temporary worktree is.
	if err := os.Symlink(filepath.Join(repo.Work, "apps"), filepath.Join(repo.Work, "deploy")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("apps", filepath.Join(repo.Work, "current")); err != nil {
		t.Fatal(err)
	}
	prbottest.Git(t, repo.Work, "add", "deploy", "current")
	prbottest.Git(t, repo.Work, "commit", "--quiet", "-m", "links")
	prbottest.Git(t, repo.Work, "push", "--quiet", "origin", "HEAD")
	before := checkoutState(t, repo)
	for _, path := range []string{"deploy/", "deploy/shop.yaml", "deploy"} {
		_, _, _, err := run(t, repo, gh, func(o *prbot.Options) { o.DryRun = true; o.Paths = []string{path} })
		if !prbot.IsUsage(err) || !strings.Contains(err.Error(), "a symbolic link on the way leads out of the repository") {
			t.Errorf("%s: err %v, want a usage error refusing the link", path, err)
		}
		if after := checkoutState(t, repo); after != before {
			t.Fatalf("%s: the user's checkout changed:\n%s", path, after)
		}
	}
	// The whole repository, links included: walking does not follow them.
	res, _, stderr, err := run(t, repo, gh, func(o *prbot.Options) { o.DryRun = true; o.Paths = []string{"."} })
	if err != nil || len(res.Commits) == 0 {
		t.Errorf("the whole repository: %v (%+v)\n%s", err, res, stderr)
	}
	if after := checkoutState(t, repo); after != before {
		t.Fatalf("the user's checkout changed:\n%s", after)
	}
	if n := len(gh.Requests()); n != 0 {
		t.Errorf("%d API calls in dry runs", n)
	}
}

// TestTokenIsChecked: a GITHUB_TOKEN with a trailing newline (a file read
// with $(cat ...) keeps none, but many secret stores do), with a space or
// a control character, or too short to be a token is a usage error before
// any git command or API call, and the message does not show it; a short
// "token" is never redacted across the output (which would replace every
// "e" by ***).
func TestTokenIsChecked(t *testing.T) {
	testenv.READMEFigures(t, "or shorter than (\\d+) characters, before any git command", prbot.MinTokenLength)
	repo, gh := setup(t)
	for name, tc := range map[string]struct{ token, want string }{
		"trailing newline": {token + "\n", "GITHUB_TOKEN ends with a line break"},
		"trailing CRLF":    {token + "\r\n", "GITHUB_TOKEN ends with a line break"},
		"inner space":      {token[:10] + " " + token[10:], "position 11 of"},
		"short":            {"e", "GITHUB_TOKEN is 1 characters long, too short"},
	} {
		for _, dry := range []bool{false, true} {
			_, stdout, stderr, err := run(t, repo, gh, func(o *prbot.Options) { o.Token = tc.token; o.DryRun = dry })
			if !prbot.IsUsage(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s (dry run %v): err %v, want a usage error with %q", name, dry, err, tc.want)
				continue
			}
			if strings.Contains(err.Error(), token[4:]) || stdout != "" || strings.Contains(stderr, token[4:]) {
				t.Errorf("%s: the token shows: %v\n%s%s", name, err, stdout, stderr)
			}
			if strings.Contains(err.Error(), prbot.Redacted) {
				t.Errorf("%s: the message was redacted into %q", name, err)
			}
		}
	}
	if repo.RemoteSHA(t, prbot.DefaultBranch) != "" || len(gh.Requests()) != 0 {
		t.Error("something was pushed or called with a bad token")
	}
	if got := prbot.NewRedactor("e").String("the message keeps every e"); got != "the message keeps every e" {
		t.Errorf("a one-letter token redacted: %q", got)
	}
}
