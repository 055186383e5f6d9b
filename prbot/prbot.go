// Package prbot opens and maintains oamfix's remediation pull request.
//
// Run works in a temporary git worktree based on the remote's base branch,
// so the user's checkout is never touched: it runs the rules one at a time,
// cumulatively, and commits each rule's fixes separately with a
// conventional message; it force-pushes the branch only when the fixed
// tree differs from the remote branch's; and it opens or edits the pull
// request through the GitHub REST API. It never pushes to the base or the
// default branch, and the token never appears in its output or errors.
package prbot

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
)

// Defaults of the options.
const (
	DefaultBranch = "oamfix/remediation"
	DefaultRemote = "origin"
	DefaultAPIURL = "https://api.github.com"
)

// Title is the title of the pull requests oamfix opens.
const Title = "oamfix: fix infrastructure review findings"

// ConfigFileName is the config file discovered in the checkout of the base
// branch when Options.ConfigFile is empty.
const ConfigFileName = ".oamfix.yaml"

// maxBody is the longest pull request body GitHub accepts (in characters;
// counting bytes is on the safe side).
const maxBody = 65536

// Options configure one run.
type Options struct {
	// Dir is a directory inside the git checkout ("" is the current one).
	Dir string
	// Paths are the files and folders to fix, relative to Dir (default ".").
	Paths []string
	// Branch is the pull request's head branch (default DefaultBranch).
	Branch string
	// Base is the branch the pull request targets ("" is the remote's
	// default branch).
	Base string
	// Remote is the git remote to fetch from and push to (default DefaultRemote).
	Remote string
	// APIURL is GitHub's REST API root (default DefaultAPIURL; GitHub
	// Enterprise: https://HOST/api/v3).
	APIURL string
	// RepoSlug is the GitHub repository as owner/name ("" parses it from
	// the remote's URL).
	RepoSlug string
	// Token authenticates the API calls and the push; required unless DryRun.
	Token string
	// Rules run in this order, one commit each.
	Rules []*fixers.Rule
	// ConfigFile is an oamfix config to load; "" looks for ConfigFileName
	// at or above the first path, within the checkout of the base branch.
	ConfigFile string
	// Body renders the pull request body from the findings and the config
	// the run used.
	Body func([]fixers.Finding, *config.Config) (string, error)
	// DryRun prints the branch, the commits and the body; nothing is
	// pushed and the GitHub API is not called.
	DryRun bool
	// CloseStale closes the open pull request when nothing is left to fix.
	CloseStale bool
	// Stdout gets the progress report, Stderr warnings (nil: discarded).
	Stdout, Stderr io.Writer
}

// Action says what became of the pull request.
type Action string

// Actions.
const (
	// NothingToFix: no rule changed a file; nothing was pushed.
	NothingToFix Action = "nothing-to-fix"
	// Closed: nothing was left to fix and the open pull request was closed.
	Closed Action = "closed"
	// Opened: a new pull request was opened.
	Opened Action = "opened"
	// Updated: the open pull request's body was edited.
	Updated Action = "updated"
	// Unchanged: the open pull request already had this body.
	Unchanged Action = "unchanged"
	// DryRun: commits were made in the temporary worktree only.
	DryRun Action = "dry-run"
)

// Commit is one rule's commit on the branch.
type Commit struct {
	Rule    string
	Subject string
	// SHA is the commit's ID (in a dry run, of a commit that was discarded).
	SHA   string
	Files []string
}

// Result reports a run.
type Result struct {
	Branch, Base string
	Commits      []Commit
	// Findings are what oamfix --fix reports on the base branch (every
	// rule at once, lines of the base branch): the body shows them.
	Findings []fixers.Finding
	Body     string
	// Pushed is true when the branch was created or force-updated.
	Pushed      bool
	Action      Action
	PullRequest *PullRequest
}

// runner is one run's state.
type runner struct {
	o      Options
	red    *Redactor
	git    *gitRunner // the user's checkout
	top    string     // its top-level directory
	prefix string     // Dir relative to top, slash-separated, "" or ending in "/"
	wt     string     // the temporary worktree
	wtGit  *gitRunner
	base   string // the base branch
}

// Run opens or updates the remediation pull request (see the package doc).
// Errors are redacted; a *UsageError is bad input (see IsUsage).
func Run(ctx context.Context, o Options) (*Result, error) {
	o.setDefaults()
	r := &runner{o: o, red: NewRedactor(o.Token)}
	res, err := r.run(ctx)
	return res, r.red.Error(err)
}

func (o *Options) setDefaults() {
	if o.Dir == "" {
		o.Dir = "."
	}
	if len(o.Paths) == 0 {
		o.Paths = []string{"."}
	}
	if o.Branch == "" {
		o.Branch = DefaultBranch
	}
	if o.Remote == "" {
		o.Remote = DefaultRemote
	}
	if o.APIURL == "" {
		o.APIURL = DefaultAPIURL
	}
	if o.Stdout == nil {
		o.Stdout = io.Discard
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
}

// printf writes redacted progress to Stdout.
func (r *runner) printf(format string, args ...any) {
	io.WriteString(r.o.Stdout, r.red.String(fmt.Sprintf(format, args...)))
}

// warnf writes a redacted warning to Stderr.
func (r *runner) warnf(format string, args ...any) {
	io.WriteString(r.o.Stderr, r.red.String("oamfix pr: "+fmt.Sprintf(format, args...)+"\n"))
}

func (r *runner) run(ctx context.Context) (*Result, error) {
	o := r.o
	if o.Body == nil {
		return nil, fmt.Errorf("prbot: Options.Body is nil")
	}
	if !o.DryRun && o.Token == "" {
		return nil, usagef("GITHUB_TOKEN is not set; the pull request needs a token with contents and pull-requests write access (or use --dry-run)")
	}
	if o.Token != "" {
		// Before any git command or API call uses it.
		if err := checkToken(o.Token); err != nil {
			return nil, err
		}
	}
	if err := r.openCheckout(ctx); err != nil {
		return nil, err
	}
	rels, err := r.relPaths()
	if err != nil {
		return nil, err
	}
	remoteURL, err := r.git.run(ctx, "remote", "get-url", o.Remote)
	if err != nil {
		return nil, usagef("no git remote %q in %s", o.Remote, r.top)
	}
	var gh *github
	if !o.DryRun {
		if gh, err = r.client(remoteURL); err != nil {
			return nil, err
		}
	}
	if r.base, err = r.bases(ctx); err != nil {
		return nil, err
	}
	res := &Result{Branch: o.Branch, Base: r.base}
	var cfg *config.Config
	if o.ConfigFile != "" {
		if cfg, err = config.Load(o.ConfigFile); err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
	}

	cleanup, err := r.addWorktree(ctx)
	defer cleanup()
	if err != nil {
		return nil, err
	}
	remoteHead, err := r.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		if cfg, err = r.discoverConfig(rels[0]); err != nil {
			return nil, err
		}
	}
	srcs, err := r.load(rels)
	if err != nil {
		return nil, err
	}
	if res.Findings, err = findings(cfg, o.Rules, srcs); err != nil {
		return nil, err
	}
	for _, rule := range o.Rules {
		c, err := r.applyRule(ctx, rule, cfg, srcs)
		if err != nil {
			return nil, err
		}
		if c != nil {
			res.Commits = append(res.Commits, *c)
		}
	}

	if len(res.Commits) == 0 {
		res.Action = NothingToFix
		r.printf("nothing to fix under %s; no branch pushed\n", strings.Join(o.Paths, " "))
		if o.CloseStale && !o.DryRun {
			return res, r.closeStale(ctx, gh, res)
		}
		return res, nil
	}
	if res.Body, err = o.Body(res.Findings, cfg); err != nil {
		return nil, fmt.Errorf("rendering the pull request body: %w", err)
	}
	res.Body = truncateBody(res.Body)
	r.printCommits(res)
	if o.DryRun {
		res.Action = DryRun
		r.printf("dry run: nothing pushed, no pull request opened\n\npull request title: %s\npull request body:\n\n%s", Title, res.Body)
		if !strings.HasSuffix(res.Body, "\n") {
			r.printf("\n")
		}
		return res, nil
	}
	if res.Pushed, err = r.push(ctx, remoteHead); err != nil {
		return nil, err
	}
	return res, r.pullRequest(ctx, gh, res)
}

// openCheckout finds the checkout's top level and refuses a dirty one.
func (r *runner) openCheckout(ctx context.Context) error {
	r.git = newGit(r.o.Dir, r.o.Token)
	top, err := r.git.run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return usagef("%s is not inside a git checkout: %v", r.o.Dir, err)
	}
	r.top = top
	if r.prefix, err = r.git.run(ctx, "rev-parse", "--show-prefix"); err != nil {
		return err
	}
	status, err := r.git.run(ctx, "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return err
	}
	if status != "" {
		return usagef("the working tree %s has uncommitted changes to tracked files; commit or stash them first:\n%s", top, status)
	}
	return nil
}

// relPaths turns the paths into slash-separated paths relative to the top
// level, refusing paths outside the checkout.
func (r *runner) relPaths() ([]string, error) {
	var rels []string
	for _, p := range r.o.Paths {
		var rel string
		if filepath.IsAbs(p) {
			abs := p
			if real, err := filepath.EvalSymlinks(p); err == nil {
				abs = real
			}
			top := r.top
			if real, err := filepath.EvalSymlinks(top); err == nil {
				top = real
			}
			var err error
			if rel, err = filepath.Rel(top, abs); err != nil {
				return nil, usagef("%s is outside the repository %s", p, r.top)
			}
			rel = filepath.ToSlash(rel)
		} else {
			rel = path.Clean(r.prefix + filepath.ToSlash(p))
		}
		if rel == ".." || strings.HasPrefix(rel, "../") {
			return nil, usagef("%s is outside the repository %s", p, r.top)
		}
		rels = append(rels, rel)
	}
	return rels, nil
}

// client checks the API URL and the repository slug and returns the client.
func (r *runner) client(remoteURL string) (*github, error) {
	u, err := url.Parse(r.o.APIURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, usagef("--api-url %q is not an http(s) URL", r.o.APIURL)
	}
	slug := r.o.RepoSlug
	if slug == "" {
		var ok bool
		if slug, ok = SlugFromRemote(remoteURL); !ok {
			return nil, usagef("cannot tell the GitHub repository from the URL of remote %s (%s); pass --repo-slug OWNER/NAME", r.o.Remote, remoteURL)
		}
	} else if !slugPattern.MatchString(slug) {
		return nil, usagef("--repo-slug %q is not OWNER/NAME", slug)
	}
	return newGitHub(r.o.APIURL, r.o.Token, slug), nil
}

// bases resolves the base branch and refuses a head branch that is the
// base or the remote's default branch.
func (r *runner) bases(ctx context.Context) (string, error) {
	if _, err := r.git.run(ctx, "check-ref-format", "--branch", r.o.Branch); err != nil {
		return "", usagef("--branch %q is not a valid branch name", r.o.Branch)
	}
	def := r.defaultBranch(ctx)
	base := r.o.Base
	if base == "" {
		base = def
	}
	for _, b := range []string{base, def} {
		if r.o.Branch == b {
			return "", usagef("refusing to use %s as the pull request branch: it is the base or default branch, and oamfix never pushes to it", b)
		}
	}
	return base, nil
}

// defaultBranch is the remote's default branch: refs/remotes/REMOTE/HEAD,
// else what the remote's HEAD points to, else main.
func (r *runner) defaultBranch(ctx context.Context) string {
	if ref, err := r.git.run(ctx, "symbolic-ref", "--quiet", "refs/remotes/"+r.o.Remote+"/HEAD"); err == nil {
		if b, ok := strings.CutPrefix(ref, "refs/remotes/"+r.o.Remote+"/"); ok && b != "" {
			return b
		}
	}
	if out, err := r.git.remote(ctx, "ls-remote", "--symref", r.o.Remote, "HEAD"); err == nil {
		for _, line := range strings.Split(out, "\n") {
			if target, ok := strings.CutPrefix(line, "ref: refs/heads/"); ok {
				if b, _, ok := strings.Cut(target, "\t"); ok && b != "" {
					return b
				}
			}
		}
	}
	return "main"
}

// addWorktree creates an empty, detached worktree in a temporary folder.
// The returned cleanup removes it; it is safe to call after an error.
func (r *runner) addWorktree(ctx context.Context) (func(), error) {
	tmp, err := os.MkdirTemp("", "oamfix-pr-")
	if err != nil {
		return func() {}, err
	}
	wt := filepath.Join(tmp, "worktree")
	cleanup := func() {
		if r.wt != "" {
			// A fresh context: cleanup must run after a cancellation too.
			if _, err := r.git.run(context.Background(), "worktree", "remove", "--force", r.wt); err != nil {
				r.warnf("removing the temporary worktree: %v", err)
			}
		}
		os.RemoveAll(tmp)
	}
	if _, err := r.git.run(ctx, "worktree", "add", "--quiet", "--detach", "--no-checkout", wt); err != nil {
		return cleanup, err
	}
	r.wt = wt
	r.wtGit = r.git.in(wt)
	return cleanup, nil
}

// Per-worktree refs (removed with the worktree) that hold the fetched base
// and head branches, so the user's refs stay as they were.
const (
	baseRef = "refs/worktree/oamfix/base"
	headRef = "refs/worktree/oamfix/head"
)

// fetch fetches the base branch (and the pull request branch, when the
// remote has it) and checks the base out in the worktree. It returns the
// remote branch's commit, "" when the branch does not exist yet.
func (r *runner) fetch(ctx context.Context) (string, error) {
	base := r.base
	out, err := r.wtGit.remote(ctx, "ls-remote", "--heads", r.o.Remote, "refs/heads/"+base, "refs/heads/"+r.o.Branch)
	if err != nil {
		return "", err
	}
	heads := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if sha, ref, ok := strings.Cut(line, "\t"); ok {
			heads[ref] = sha
		}
	}
	if heads["refs/heads/"+base] == "" {
		return "", usagef("the base branch %s does not exist on remote %s", base, r.o.Remote)
	}
	args := []string{"fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--refmap=", r.o.Remote,
		"+refs/heads/" + base + ":" + baseRef}
	remoteHead := heads["refs/heads/"+r.o.Branch]
	if remoteHead != "" {
		args = append(args, "+refs/heads/"+r.o.Branch+":"+headRef)
	}
	if _, err := r.wtGit.remote(ctx, args...); err != nil {
		return "", err
	}
	if remoteHead != "" {
		// The branch may have moved since ls-remote: lease what was fetched.
		if remoteHead, err = r.wtGit.run(ctx, "rev-parse", headRef); err != nil {
			return "", err
		}
	}
	if _, err := r.wtGit.run(ctx, "reset", "--quiet", "--hard", baseRef); err != nil {
		return "", err
	}
	return remoteHead, nil
}

// discoverConfig loads the nearest ConfigFileName at or above first (a
// path relative to the top level) within the worktree, or the defaults.
func (r *runner) discoverConfig(first string) (*config.Config, error) {
	dir := first
	if info, err := os.Stat(r.abs(first)); err == nil && !info.IsDir() {
		dir = path.Dir(first)
	}
	for {
		rel := path.Join(dir, ConfigFileName)
		if info, err := os.Stat(r.abs(rel)); err == nil && info.Mode().IsRegular() {
			data, err := os.ReadFile(r.abs(rel))
			if err != nil {
				return nil, err
			}
			cfg, err := config.Parse(data, rel)
			if err != nil {
				return nil, &UsageError{Msg: err.Error()}
			}
			r.warnf("using config %s (from %s/%s)", rel, r.o.Remote, r.base)
			return cfg, nil
		}
		if dir == "." {
			return config.Default(), nil
		}
		dir = path.Dir(dir)
	}
}

// abs returns the worktree path of a slash-separated top-level-relative path.
func (r *runner) abs(rel string) string {
	return filepath.Join(r.wt, filepath.FromSlash(rel))
}

// printCommits lists the branch's commits.
func (r *runner) printCommits(res *Result) {
	r.printf("branch %s (base %s): %d commits\n", res.Branch, res.Base, len(res.Commits))
	for _, c := range res.Commits {
		sha := c.SHA
		if r.o.DryRun {
			sha = "-------"
		} else if len(sha) > 7 {
			sha = sha[:7]
		}
		r.printf("  %s %s\n", sha, c.Subject)
		for _, f := range c.Files {
			r.printf("          %s\n", f)
		}
	}
}

// push force-updates the remote branch unless its tree already equals the
// fixed tree. It leases the commit that was fetched, so a branch that
// moved in between is not overwritten.
func (r *runner) push(ctx context.Context, remoteHead string) (bool, error) {
	if remoteHead != "" {
		tree, err := r.wtGit.run(ctx, "rev-parse", "HEAD^{tree}")
		if err != nil {
			return false, err
		}
		remoteTree, err := r.wtGit.run(ctx, "rev-parse", remoteHead+"^{tree}")
		if err != nil {
			return false, err
		}
		if tree == remoteTree {
			r.printf("branch %s on %s already has these fixes; not pushing\n", r.o.Branch, r.o.Remote)
			return false, nil
		}
	}
	ref := "refs/heads/" + r.o.Branch
	if _, err := r.wtGit.remote(ctx, "push", "--quiet", "--force-with-lease="+ref+":"+remoteHead, r.o.Remote, "HEAD:"+ref); err != nil {
		return false, err
	}
	r.printf("pushed %s to %s\n", r.o.Branch, r.o.Remote)
	return true, nil
}

// pullRequest opens the pull request, or edits the open one's body (and
// base, when --base changed).
func (r *runner) pullRequest(ctx context.Context, gh *github, res *Result) error {
	pr, err := gh.openPull(ctx, r.o.Branch)
	if err != nil {
		return err
	}
	switch {
	case pr == nil:
		if pr, err = gh.createPull(ctx, Title, r.o.Branch, res.Base, res.Body); err != nil {
			return err
		}
		res.Action = Opened
		r.printf("opened pull request #%d: %s\n", pr.Number, pr.HTMLURL)
	case pr.Body != res.Body || pr.Base.Ref != res.Base:
		fields := map[string]string{"body": res.Body}
		if pr.Base.Ref != res.Base {
			fields["base"] = res.Base
		}
		if pr, err = gh.updatePull(ctx, pr.Number, fields); err != nil {
			return err
		}
		res.Action = Updated
		r.printf("updated pull request #%d: %s\n", pr.Number, pr.HTMLURL)
	default:
		res.Action = Unchanged
		r.printf("pull request #%d is up to date: %s\n", pr.Number, pr.HTMLURL)
	}
	res.PullRequest = pr
	return nil
}

// closeStale closes the open pull request, if any, when nothing is left to fix.
func (r *runner) closeStale(ctx context.Context, gh *github, res *Result) error {
	pr, err := gh.openPull(ctx, r.o.Branch)
	if err != nil || pr == nil {
		return err
	}
	if pr, err = gh.updatePull(ctx, pr.Number, map[string]string{"state": "closed"}); err != nil {
		return err
	}
	res.Action = Closed
	res.PullRequest = pr
	r.printf("closed stale pull request #%d: %s\n", pr.Number, pr.HTMLURL)
	return nil
}

// truncateBody keeps a body within GitHub's limit, cutting at a line break.
func truncateBody(body string) string {
	const note = "\n\n_The report was truncated to fit in a pull request; run `oamfix` locally for all findings._\n"
	if len(body) <= maxBody {
		return body
	}
	cut := body[:maxBody-len(note)]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return cut + note
}
