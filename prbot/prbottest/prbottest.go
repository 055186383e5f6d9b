// Package prbottest provides fixtures for testing the PR bot without the
// network: git repositories with a real bare remote, and an in-process
// fake of the GitHub REST API's pull request endpoints that follows
// GitHub's documented request and response shapes
// (https://docs.github.com/en/rest/pulls/pulls).
package prbottest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Owner and Name are the fake repository's owner/name.
const (
	Owner = "acme"
	Name  = "shop"
	Slug  = Owner + "/" + Name
)

// GitEnv gives git an identity and isolates it from the machine's config,
// so commits work on a fresh CI machine, and keeps HTTP to 127.0.0.1 off
// any proxy. It uses t.Setenv: tests using it cannot run in parallel.
func GitEnv(t testing.TB) {
	t.Helper()
	global := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(global, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"GIT_AUTHOR_NAME":     "Test Author",
		"GIT_AUTHOR_EMAIL":    "author@example.com",
		"GIT_COMMITTER_NAME":  "Test Committer",
		"GIT_COMMITTER_EMAIL": "committer@example.com",
		"GIT_CONFIG_GLOBAL":   global,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_COUNT":    "0",
		"GIT_TERMINAL_PROMPT": "0",
		"NO_PROXY":            "127.0.0.1,localhost",
		"no_proxy":            "127.0.0.1,localhost",
	} {
		t.Setenv(k, v)
	}
}

// Git runs git in dir and returns its trimmed output, failing the test on error.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Repo is a clone (Work) of a bare repository (Remote) whose main branch
// holds the files it was created with.
type Repo struct {
	Remote, Work string
}

// NewRepo creates the bare remote and the clone, commits files (paths
// relative to the top level) on main and pushes. Call GitEnv first.
func NewRepo(t testing.TB, files map[string]string) *Repo {
	t.Helper()
	dir := t.TempDir()
	r := &Repo{Remote: filepath.Join(dir, "remote.git"), Work: filepath.Join(dir, "work")}
	Git(t, dir, "init", "--quiet", "--bare", "--initial-branch=main", r.Remote)
	Git(t, dir, "clone", "--quiet", r.Remote, r.Work)
	r.Commit(t, "initial commit", files)
	return r
}

// Commit writes files in the clone, commits them on the current branch and
// pushes it.
func (r *Repo) Commit(t testing.TB, msg string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(r.Work, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	Git(t, r.Work, "add", "--all")
	Git(t, r.Work, "commit", "--quiet", "-m", msg)
	Git(t, r.Work, "push", "--quiet", "origin", "HEAD")
}

// RemoteSHA returns the commit of a branch on the remote, "" when it does not exist.
func (r *Repo) RemoteSHA(t testing.TB, branch string) string {
	t.Helper()
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", "refs/heads/"+branch)
	cmd.Dir = r.Remote
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

// Request is one API call the fake received.
type Request struct {
	Method, Path string
	// Body is the decoded JSON body of POST and PATCH requests.
	Body map[string]any
}

// GitHub fakes the pull request endpoints of the GitHub REST API for the
// repository Slug whose git data lives in a bare repository:
//
//	GET   /repos/{owner}/{repo}/pulls?head=owner:branch&state=open  200, a list
//	POST  /repos/{owner}/{repo}/pulls {title, head, base, body}     201; 422 on a duplicate or unknown head
//	PATCH /repos/{owner}/{repo}/pulls/{number} {title, body, state, base} 200
//
// Every API request must carry Authorization: Bearer <token> (401
// otherwise), Accept: application/vnd.github+json and
// X-GitHub-Api-Version: 2022-11-28. Git's smart-HTTP requests (paths with
// /info/refs or git-upload-pack) are answered 401 with a Basic challenge,
// and the credentials git sends are recorded.
type GitHub struct {
	*httptest.Server
	t      testing.TB
	token  string
	remote string

	mu       sync.Mutex
	pulls    []*pull
	requests []Request
	gitAuth  []string
	echo     bool
	echoURL  bool
}

// EchoTokenOnCreate makes POST answer 422 with a message that quotes the
// request's Authorization header, as a careless proxy might.
func (g *GitHub) EchoTokenOnCreate() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.echo = true
}

// EchoTokenInURLs makes the pull requests POST creates carry the
// request's token in their html_url (?access_token=...), as a careless
// proxy might, so that the URL oamfix pr prints holds the token.
func (g *GitHub) EchoTokenInURLs() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.echoURL = true
}

// pull is a stored pull request in GitHub's JSON shape.
type pull struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	URL     string `json:"url"`
	State   string `json:"state"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Head    ref    `json:"head"`
	Base    ref    `json:"base"`
}

type ref struct {
	Label string `json:"label"`
	Ref   string `json:"ref"`
	SHA   string `json:"sha"`
}

// NewGitHub starts the fake; it is closed when the test ends.
func NewGitHub(t testing.TB, token, remote string) *GitHub {
	g := &GitHub{t: t, token: token, remote: remote}
	g.Server = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.Close)
	return g
}

// Requests returns the API calls received so far.
func (g *GitHub) Requests() []Request {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Request(nil), g.requests...)
}

// Count returns how many API calls used method.
func (g *GitHub) Count(method string) int {
	n := 0
	for _, r := range g.Requests() {
		if r.Method == method {
			n++
		}
	}
	return n
}

// GitAuth returns the user:password pairs git sent to the smart-HTTP paths.
func (g *GitHub) GitAuth() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.gitAuth...)
}

// Pull returns pull request number n's state, title and body.
func (g *GitHub) Pull(n int) (state, title, body string, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.pulls {
		if p.Number == n {
			return p.State, p.Title, p.Body, true
		}
	}
	return "", "", "", false
}

// Base returns the base branch of pull request number n.
func (g *GitHub) Base(n int) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, p := range g.pulls {
		if p.Number == n {
			return p.Base.Ref
		}
	}
	return ""
}

func (g *GitHub) serve(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/info/refs") || strings.Contains(r.URL.Path, "/git-") {
		g.serveGit(w, r)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	req := Request{Method: r.Method, Path: r.URL.Path}
	if r.Method == http.MethodPost || r.Method == http.MethodPatch {
		if err := json.NewDecoder(r.Body).Decode(&req.Body); err != nil {
			g.fail(w, http.StatusBadRequest, "Problems parsing JSON")
			return
		}
	}
	g.requests = append(g.requests, req)
	if got := r.Header.Get("Authorization"); got != "Bearer "+g.token {
		g.fail(w, http.StatusUnauthorized, "Bad credentials")
		return
	}
	if got := r.Header.Get("Accept"); got != "application/vnd.github+json" {
		g.t.Errorf("%s %s: Accept %q, want application/vnd.github+json", r.Method, r.URL.Path, got)
	}
	if got := r.Header.Get("X-GitHub-Api-Version"); got != "2022-11-28" {
		g.t.Errorf("%s %s: X-GitHub-Api-Version %q, want 2022-11-28", r.Method, r.URL.Path, got)
	}
	prefix := "/repos/" + Slug + "/pulls"
	rest, ok := strings.CutPrefix(r.URL.Path, prefix)
	switch {
	case !ok:
		g.fail(w, http.StatusNotFound, "Not Found")
	case rest == "" && r.Method == http.MethodGet:
		g.list(w, r)
	case rest == "" && r.Method == http.MethodPost:
		g.create(w, r, req.Body)
	case strings.HasPrefix(rest, "/") && r.Method == http.MethodPatch:
		g.update(w, strings.TrimPrefix(rest, "/"), req.Body)
	default:
		g.fail(w, http.StatusNotFound, "Not Found")
	}
}

// serveGit refuses git's smart-HTTP requests with a Basic challenge,
// recording the credentials sent.
func (g *GitHub) serveGit(w http.ResponseWriter, r *http.Request) {
	if auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Basic "); ok {
		if dec, err := base64.StdEncoding.DecodeString(auth); err == nil {
			g.mu.Lock()
			g.gitAuth = append(g.gitAuth, string(dec))
			g.mu.Unlock()
		}
	}
	w.Header().Set("WWW-Authenticate", `Basic realm="GitHub"`)
	http.Error(w, "Unauthorized", http.StatusUnauthorized)
}

func (g *GitHub) list(w http.ResponseWriter, r *http.Request) {
	head, state := r.URL.Query().Get("head"), r.URL.Query().Get("state")
	if state == "" {
		state = "open"
	}
	out := []*pull{}
	for _, p := range g.pulls {
		if (head == "" || p.Head.Label == head) && (state == "all" || p.State == state) {
			out = append(out, p)
		}
	}
	g.reply(w, http.StatusOK, out)
}

func (g *GitHub) create(w http.ResponseWriter, r *http.Request, in map[string]any) {
	if g.echo {
		g.fail(w, http.StatusUnprocessableEntity, "Validation Failed: rejected header Authorization: "+r.Header.Get("Authorization"))
		return
	}
	title, head, base, body := str(in["title"]), str(in["head"]), str(in["base"]), str(in["body"])
	for field, v := range map[string]string{"title": title, "head": head, "base": base} {
		if v == "" {
			g.validation(w, map[string]string{"resource": "PullRequest", "field": field, "code": "missing_field"})
			return
		}
	}
	headRef := strings.TrimPrefix(head, Owner+":")
	headSHA, baseSHA := g.branch(headRef), g.branch(base)
	if headSHA == "" {
		g.validation(w, map[string]string{"resource": "PullRequest", "field": "head", "code": "invalid"})
		return
	}
	if baseSHA == "" {
		g.validation(w, map[string]string{"resource": "PullRequest", "field": "base", "code": "invalid"})
		return
	}
	for _, p := range g.pulls {
		if p.State == "open" && p.Head.Ref == headRef && p.Base.Ref == base {
			g.validation(w, map[string]string{"resource": "PullRequest", "code": "custom",
				"message": fmt.Sprintf("A pull request already exists for %s:%s.", Owner, headRef)})
			return
		}
	}
	n := len(g.pulls) + 1
	p := &pull{
		Number:  n,
		HTMLURL: fmt.Sprintf("https://github.com/%s/pull/%d%s", Slug, n, g.urlSuffix(r)),
		URL:     fmt.Sprintf("%s/repos/%s/pulls/%d", g.URL, Slug, n),
		State:   "open",
		Title:   title,
		Body:    body,
		Head:    ref{Label: Owner + ":" + headRef, Ref: headRef, SHA: headSHA},
		Base:    ref{Label: Owner + ":" + base, Ref: base, SHA: baseSHA},
	}
	g.pulls = append(g.pulls, p)
	g.reply(w, http.StatusCreated, p)
}

// urlSuffix is what EchoTokenInURLs adds to a pull request's html_url.
func (g *GitHub) urlSuffix(r *http.Request) string {
	if !g.echoURL {
		return ""
	}
	return "?access_token=" + strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
}

func (g *GitHub) update(w http.ResponseWriter, number string, in map[string]any) {
	n, err := strconv.Atoi(number)
	if err != nil {
		g.fail(w, http.StatusNotFound, "Not Found")
		return
	}
	for _, p := range g.pulls {
		if p.Number != n {
			continue
		}
		if v, ok := in["title"]; ok {
			p.Title = str(v)
		}
		if v, ok := in["body"]; ok {
			p.Body = str(v)
		}
		if v, ok := in["base"]; ok {
			sha := g.branch(str(v))
			if sha == "" {
				g.validation(w, map[string]string{"resource": "PullRequest", "field": "base", "code": "invalid"})
				return
			}
			p.Base = ref{Label: Owner + ":" + str(v), Ref: str(v), SHA: sha}
		}
		if v, ok := in["state"]; ok {
			if s := str(v); s != "open" && s != "closed" {
				g.validation(w, map[string]string{"resource": "PullRequest", "field": "state", "code": "invalid"})
				return
			}
			p.State = str(v)
		}
		g.reply(w, http.StatusOK, p)
		return
	}
	g.fail(w, http.StatusNotFound, "Not Found")
}

// branch returns a branch's commit in the bare repository, "" if none.
func (g *GitHub) branch(name string) string {
	cmd := exec.Command("git", "rev-parse", "--verify", "--quiet", "refs/heads/"+name)
	cmd.Dir = g.remote
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out))
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (g *GitHub) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (g *GitHub) fail(w http.ResponseWriter, status int, msg string) {
	g.reply(w, status, map[string]string{"message": msg, "documentation_url": "https://docs.github.com/rest/pulls/pulls"})
}

// validation answers 422 Validation Failed with one error, as GitHub does.
func (g *GitHub) validation(w http.ResponseWriter, e map[string]string) {
	g.reply(w, http.StatusUnprocessableEntity, map[string]any{
		"message":           "Validation Failed",
		"errors":            []map[string]string{e},
		"documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
	})
}
