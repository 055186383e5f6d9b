package prbot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/engine"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/kio"
)

// CommitSubject is the conventional commit subject of a rule's fixes,
// e.g. "fix(oam): restrict CORS origins (cors)"; the text is the rule's Commit.
func CommitSubject(ruleID string) string {
	msg := "apply fixes"
	if r := fixers.Lookup(ruleID); r != nil && r.Commit != "" {
		msg = r.Commit
	}
	return fmt.Sprintf("fix(oam): %s (%s)", msg, ruleID)
}

// source is one input file in the worktree and its current bytes.
type source struct {
	rel  string // slash-separated, relative to the top level
	data []byte
}

// load expands the paths in the worktree and reads every file once.
// Files that are not YAML and mention no OAM resource (Helm templates,
// say) and symbolic links are skipped with a warning; a path whose real
// location leaves the worktree (a committed link to a folder outside) is
// refused, as is other bad input, so no pull request is built from a
// partial run and nothing outside the worktree is written.
func (r *runner) load(rels []string) ([]*source, error) {
	var abs []string
	for _, rel := range rels {
		if _, err := os.Lstat(r.abs(rel)); err != nil {
			return nil, usagef("%s: not found on %s/%s", rel, r.o.Remote, r.base)
		}
		if err := r.contained(rel); err != nil {
			return nil, err
		}
		abs = append(abs, r.abs(rel))
	}
	files, errs := kio.Expand(abs)
	if len(errs) > 0 {
		return nil, usagef("%s", r.relative(errors.Join(errs...).Error()))
	}
	var srcs []*source
	for _, f := range files {
		rel, err := filepath.Rel(r.wt, f)
		if err != nil {
			return nil, err
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(f)
		if err != nil {
			return nil, usagef("%s", r.relative(err.Error()))
		}
		if !info.Mode().IsRegular() {
			r.warnf("warning: %s: skipped: not a regular file", rel)
			continue
		}
		if err := r.contained(rel); err != nil {
			return nil, err
		}
		if info.Size() > kio.DefaultMaxFileSize {
			return nil, usagef("%s: file is %d bytes, over the %d-byte limit", rel, info.Size(), kio.DefaultMaxFileSize)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, usagef("%s", r.relative(err.Error()))
		}
		if _, err := kio.Parse(rel, data); err != nil {
			var pe *kio.ParseError
			if errors.As(err, &pe) && pe.Syntax && !bytes.Contains(data, []byte("core.oam.dev")) {
				r.warnf("warning: %v (skipped: the file mentions no core.oam.dev resource)", err)
				continue
			}
			return nil, &UsageError{Msg: err.Error()}
		}
		srcs = append(srcs, &source{rel: rel, data: data})
	}
	return srcs, nil
}

// contained refuses a path whose real location (every symbolic link
// resolved) is outside the worktree.
func (r *runner) contained(rel string) error {
	real, ok, err := kio.Inside(r.wt, r.abs(rel))
	if err != nil {
		return usagef("%s", r.relative(err.Error()))
	}
	if !ok {
		return usagef("%s: refusing it: a symbolic link on the way leads out of the repository, to %s; oamfix pr reads and writes only inside its temporary checkout", rel, real)
	}
	return nil
}

// relative strips the worktree's folder from a message.
func (r *runner) relative(msg string) string {
	return strings.ReplaceAll(msg, r.wt+string(filepath.Separator), "")
}

// findings runs every rule at once over the files as they are on the base
// branch, without writing: the findings oamfix --fix would report there,
// with the base branch's line numbers, for the pull request body.
func findings(cfg *config.Config, rules []*fixers.Rule, srcs []*source) ([]fixers.Finding, error) {
	var all []fixers.Finding
	opts, err := engineOptions(cfg, rules)
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		f, err := kio.Parse(s.rel, s.data)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		res, err := engine.Process(f, opts)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		all = append(all, res.Findings...)
	}
	return all, nil
}

// engineOptions runs rules with the config's definitions (spec.definitions,
// relative to the config file in the worktree) and validation.
func engineOptions(cfg *config.Config, rules []*fixers.Rule) (engine.Options, error) {
	opts := engine.Options{Config: cfg, Rules: rules}
	if err := opts.UseDefinitions(cfg.Spec.Definitions, cfg.Spec.Validate); err != nil {
		return opts, &UsageError{Msg: err.Error()}
	}
	return opts, nil
}

// applyRule runs one rule over every file, on the result of the rules
// before it, writes the changed files and commits them. The commit is nil
// when the rule changed nothing.
func (r *runner) applyRule(ctx context.Context, rule *fixers.Rule, cfg *config.Config, srcs []*source) (*Commit, error) {
	var changed []string
	var fixed []fixers.Finding
	opts, err := engineOptions(cfg, []*fixers.Rule{rule})
	if err != nil {
		return nil, err
	}
	for _, s := range srcs {
		f, err := kio.Parse(s.rel, s.data)
		if err != nil {
			return nil, &UsageError{Msg: err.Error()}
		}
		res, err := engine.Process(f, opts)
		if err != nil {
			return nil, &UsageError{Msg: fmt.Sprintf("rule %s: %v", rule.ID, err)}
		}
		if !res.Changed() {
			continue
		}
		if err := kio.WriteAtomic(r.abs(s.rel), s.data, res.After); err != nil {
			return nil, errors.New(r.relative(err.Error()))
		}
		s.data = res.After
		changed = append(changed, s.rel)
		for _, fd := range res.Findings {
			if fd.Status == fixers.Fixed {
				fixed = append(fixed, fd)
			}
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	c := &Commit{Rule: rule.ID, Subject: CommitSubject(rule.ID), Files: changed}
	args := []string{"commit", "--quiet", "--no-verify", "-m", c.Subject}
	if len(fixed) > 0 {
		var body strings.Builder
		for i, fd := range fixed {
			if i > 0 {
				body.WriteString("\n")
			}
			fmt.Fprintf(&body, "- %s: %s", fd.File, fd.Message)
		}
		args = append(args, "-m", body.String())
	}
	if _, err := r.wtGit.run(ctx, append([]string{"add", "--"}, changed...)...); err != nil {
		return nil, err
	}
	if _, err := r.wtGit.run(ctx, args...); err != nil {
		return nil, err
	}
	sha, err := r.wtGit.run(ctx, "rev-parse", "HEAD")
	if err != nil {
		return nil, err
	}
	c.SHA = sha
	return c, nil
}
