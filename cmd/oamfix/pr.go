package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/oamfix/oamfix/config"
	"github.com/oamfix/oamfix/fixers"
	"github.com/oamfix/oamfix/prbot"
	"github.com/oamfix/oamfix/report"
	"github.com/spf13/cobra"
)

// exitFailure is oamfix pr's status for a failed run (git, network, GitHub API).
const exitFailure = 1

// prOptions are the flags of oamfix pr.
type prOptions struct {
	dir        string
	branch     string
	base       string
	remote     string
	apiURL     string
	repoSlug   string
	rules      string
	configPath string
	dryRun     bool
	closeStale bool
}

// newPRCommand opens or updates the remediation pull request (package prbot).
func newPRCommand(stdout, stderr io.Writer) *cobra.Command {
	o := &prOptions{}
	cmd := &cobra.Command{
		Use:   "pr [flags] [PATH...]",
		Short: "Open or update a remediation pull request",
		Long: `oamfix pr fixes the Applications under PATH (default .) on a branch of its own
and opens a GitHub pull request for it, or updates the one it opened before.

It works in a temporary git worktree based on the remote's base branch, so
your checkout is left as it was (it refuses to run on uncommitted changes to
tracked files). It makes one commit per rule that fixed something, with a
conventional message such as "fix(oam): restrict CORS origins (cors)",
force-pushes the branch only when the fixes changed, and never pushes to the
base or default branch. The pull request body is the findings report.

The token comes from GITHUB_TOKEN (contents and pull-requests write access);
it never appears in output or errors. Without --config, the nearest
.oamfix.yaml at or above the first PATH on the base branch is used.

Exit codes: 0 pull request opened, updated or nothing to do; 1 failure
(git, network, GitHub API); 2 usage error or bad input (flags, paths, a dirty
working tree, a missing token, --branch naming the base branch).`,
		Example: `  # open or update the remediation pull request for the whole repository
  GITHUB_TOKEN=... oamfix pr

  # show the branch, the commits and the pull request body; push nothing
  oamfix pr --dry-run apps/

  # GitHub Enterprise, another remote and branch; close the PR once nothing is left
  oamfix pr --api-url https://github.example.com/api/v3 --remote gh \
    --repo-slug platform/apps --branch bot/oamfix --close-stale`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPR(cmd.Context(), o, args, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.dir, "repo", ".", "`DIR` of the git checkout (PATHs are relative to it)")
	f.StringVar(&o.branch, "branch", prbot.DefaultBranch, "`NAME` of the pull request's branch (never the base or default branch)")
	f.StringVar(&o.base, "base", "", "`NAME` of the branch the pull request targets (default: the remote's default branch)")
	f.StringVar(&o.remote, "remote", prbot.DefaultRemote, "`NAME` of the git remote to fetch from and push to")
	f.StringVar(&o.apiURL, "api-url", prbot.DefaultAPIURL, "GitHub REST API `URL` (GitHub Enterprise: https://HOST/api/v3)")
	f.StringVar(&o.repoSlug, "repo-slug", "", "GitHub repository as `OWNER/NAME` (default: parsed from the remote's URL)")
	f.StringVar(&o.rules, "rules", "all", "comma-separated `LIST` of rule IDs, or all, or none; one commit per rule")
	f.StringVar(&o.configPath, "config", "", "oamfix config `FILE` (default: the nearest .oamfix.yaml on the base branch)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the branch, the commits and the pull request body; push nothing")
	f.BoolVar(&o.closeStale, "close-stale", false, "close the open pull request when nothing is left to fix")
	return cmd
}

// runPR runs the PR bot and maps its errors to exit codes.
func runPR(ctx context.Context, o *prOptions, args []string, stdout, stderr io.Writer) error {
	rules, err := fixers.Select(o.rules)
	if err != nil {
		fmt.Fprintf(stderr, "oamfix pr: %v\n", err)
		return &exitError{exitBadInput}
	}
	// Interrupted, the run stops its git commands and removes its worktree.
	// A closed stdout (oamfix pr --dry-run | head) must not kill the process
	// before that cleanup: with SIGPIPE ignored, writes just fail.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	signal.Ignore(syscall.SIGPIPE)
	_, err = prbot.Run(ctx, prbot.Options{
		Dir:        o.dir,
		Paths:      args,
		Branch:     o.branch,
		Base:       o.base,
		Remote:     o.remote,
		APIURL:     o.apiURL,
		RepoSlug:   o.repoSlug,
		Token:      os.Getenv("GITHUB_TOKEN"),
		Rules:      rules,
		ConfigFile: o.configPath,
		Body:       prBody(rules),
		DryRun:     o.dryRun,
		CloseStale: o.closeStale,
		Stdout:     stdout,
		Stderr:     stderr,
	})
	if err != nil {
		// prbot's errors are already redacted.
		fmt.Fprintf(stderr, "oamfix pr: %v\n", err)
		if prbot.IsUsage(err) {
			return &exitError{exitBadInput}
		}
		return &exitError{exitFailure}
	}
	return nil
}

// prBody renders the pull request body: a note on the branch, then the
// markdown review report (every fix with its rationale, what remains, and
// how to exempt a finding), with the capacity model of the run's config.
func prBody(rules []*fixers.Rule) func([]fixers.Finding, *config.Config) (string, error) {
	return func(fs []fixers.Finding, cfg *config.Config) (string, error) {
		var b strings.Builder
		b.WriteString("_Opened by `oamfix pr`, one commit per rule. Check the assumptions below. " +
			"To drop a fix, exempt its finding on the base branch (see the end): the next run rebuilds " +
			"this branch from the base branch, so commits pushed here are overwritten._\n\n")
		if err := report.Markdown(&b, fs, report.MarkdownOptions{Config: cfg, Rules: rules}); err != nil {
			return "", err
		}
		return b.String(), nil
	}
}
