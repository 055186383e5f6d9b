package prbot

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// PullRequest is the part of GitHub's pull request object oamfix uses
// (https://docs.github.com/en/rest/pulls/pulls).
type PullRequest struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
	Title   string `json:"title"`
	Body    string `json:"body"`
	Head    Ref    `json:"head"`
	Base    Ref    `json:"base"`
}

// Ref is a pull request's head or base: the branch name (ref) and, for the
// head, owner:branch (label).
type Ref struct {
	Ref   string `json:"ref"`
	Label string `json:"label,omitempty"`
}

// APIError is a GitHub REST API call that did not return the expected status.
type APIError struct {
	Method, Path string
	Status       int
	// Message is GitHub's explanation: the error body's message and the
	// messages of its errors list, or the start of a non-JSON body.
	Message string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("GitHub API: %s %s: %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// github is a small client for the pull request endpoints of the GitHub
// REST API (api.github.com or GitHub Enterprise's https://HOST/api/v3).
type github struct {
	baseURL string
	token   string
	owner   string
	repo    string
	client  *http.Client
}

func newGitHub(baseURL, token, slug string) *github {
	owner, repo, _ := strings.Cut(slug, "/")
	return &github{
		baseURL: strings.TrimRight(baseURL, "/"),
		token:   token,
		owner:   owner,
		repo:    repo,
		client:  &http.Client{Timeout: 30 * time.Second},
	}
}

// maxResponse bounds the response bodies read.
const maxResponse = 8 << 20

// do sends one request and decodes the response into out when the status
// is want.
func (g *github) do(ctx context.Context, method, path string, query url.Values, in any, want int, out any) error {
	u := g.baseURL + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return fmt.Errorf("GitHub API: %s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+g.token)
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	req.Header.Set("User-Agent", "oamfix")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return fmt.Errorf("GitHub API: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return fmt.Errorf("GitHub API: %s %s: reading the response: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return &APIError{Method: method, Path: path, Status: resp.StatusCode, Message: errorMessage(data)}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("GitHub API: %s %s: decoding the response: %w", method, path, err)
	}
	return nil
}

// errorMessage extracts GitHub's error explanation
// ({"message": ..., "errors": [{"message": ...}]}) from a response body.
func errorMessage(data []byte) string {
	var e struct {
		Message string `json:"message"`
		Errors  []struct {
			Message  string `json:"message"`
			Code     string `json:"code"`
			Field    string `json:"field"`
			Resource string `json:"resource"`
		} `json:"errors"`
	}
	if json.Unmarshal(data, &e) != nil || e.Message == "" {
		s := strings.TrimSpace(string(data))
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		return s
	}
	msg := e.Message
	for _, d := range e.Errors {
		switch {
		case d.Message != "":
			msg += "; " + d.Message
		case d.Code != "":
			msg += fmt.Sprintf("; %s %s %s", d.Resource, d.Field, d.Code)
		}
	}
	return msg
}

func (g *github) pullsPath() string {
	return "/repos/" + url.PathEscape(g.owner) + "/" + url.PathEscape(g.repo) + "/pulls"
}

// openPull returns the open pull request whose head is branch in this
// repository, or nil.
func (g *github) openPull(ctx context.Context, branch string) (*PullRequest, error) {
	q := url.Values{"head": {g.owner + ":" + branch}, "state": {"open"}}
	var pulls []PullRequest
	if err := g.do(ctx, http.MethodGet, g.pullsPath(), q, nil, http.StatusOK, &pulls); err != nil {
		return nil, err
	}
	for i := range pulls {
		if pulls[i].Head.Ref == branch && pulls[i].State == "open" {
			return &pulls[i], nil
		}
	}
	return nil, nil
}

// createPull opens a pull request from head into base.
func (g *github) createPull(ctx context.Context, title, head, base, body string) (*PullRequest, error) {
	in := map[string]string{"title": title, "head": head, "base": base, "body": body}
	var pr PullRequest
	if err := g.do(ctx, http.MethodPost, g.pullsPath(), nil, in, http.StatusCreated, &pr); err != nil {
		return nil, err
	}
	return &pr, nil
}

// updatePull edits a pull request: its body and base, or its state ("closed").
func (g *github) updatePull(ctx context.Context, number int, fields map[string]string) (*PullRequest, error) {
	var pr PullRequest
	path := fmt.Sprintf("%s/%d", g.pullsPath(), number)
	if err := g.do(ctx, http.MethodPatch, path, nil, fields, http.StatusOK, &pr); err != nil {
		return nil, err
	}
	return &pr, nil
}

// slugPattern is an owner/name pair as GitHub allows them.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// SlugFromRemote returns the owner/name of a GitHub repository from a
// remote URL: https://HOST/OWNER/NAME(.git), with or without credentials,
// ssh://[USER@]HOST[:PORT]/OWNER/NAME(.git) or [USER@]HOST:OWNER/NAME(.git).
// ok is false for anything else, such as a local path.
func SlugFromRemote(remote string) (slug string, ok bool) {
	var p string
	if scheme, _, found := strings.Cut(remote, "://"); found {
		switch strings.ToLower(scheme) {
		case "https", "http", "ssh", "git":
		default:
			return "", false
		}
		u, err := url.Parse(remote)
		if err != nil || u.Host == "" {
			return "", false
		}
		p = u.Path
	} else {
		// scp-like syntax: a colon before the first slash (and not after a
		// drive letter, as in C:/repos).
		colon := strings.Index(remote, ":")
		if colon <= 1 || strings.Contains(remote[:colon], "/") {
			return "", false
		}
		p = remote[colon+1:]
	}
	p = strings.TrimSuffix(strings.Trim(p, "/"), ".git")
	parts := strings.Split(p, "/")
	if len(parts) < 2 {
		return "", false
	}
	slug = parts[len(parts)-2] + "/" + parts[len(parts)-1]
	if !slugPattern.MatchString(slug) {
		return "", false
	}
	return slug, true
}
