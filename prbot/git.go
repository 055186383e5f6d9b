package prbot

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// tokenEnv carries the token to the credential helper: it is in the git
// child's environment, never on a command line or in .git/config.
const tokenEnv = "OAMFIX_GIT_TOKEN"

// credentialHelper answers git's credential requests with the token, as
// GitHub expects it (user x-access-token). Git runs it with sh only when a
// server asks for credentials.
const credentialHelper = `!f() { test "$1" = get || exit 0; echo username=x-access-token; echo "password=$` + tokenEnv + `"; }; f`

// gitRunner runs the git CLI in one directory.
type gitRunner struct {
	dir string
	// env is added to the process environment of every command.
	env []string
	// remoteEnv is added for commands that talk to the remote.
	remoteEnv []string
}

// newGit returns a runner for dir. With a token, commands that talk to the
// remote authenticate through a credential helper configured for that
// command only (GIT_CONFIG_COUNT), which replaces any configured helper.
func newGit(dir, token string) *gitRunner {
	g := &gitRunner{dir: dir, env: []string{"GIT_TERMINAL_PROMPT=0"}}
	g.env = append(g.env, fallbackIdentity(dir)...)
	if token != "" {
		g.remoteEnv = configEnv([][2]string{
			{"credential.helper", ""}, // an empty helper resets the list
			{"credential.helper", credentialHelper},
		})
		g.remoteEnv = append(g.remoteEnv, tokenEnv+"="+token)
	}
	return g
}

// in returns a runner for another directory with the same environment.
func (g *gitRunner) in(dir string) *gitRunner {
	c := *g
	c.dir = dir
	return &c
}

// configEnv turns config entries into GIT_CONFIG_COUNT/KEY/VALUE variables,
// after any the environment already holds.
func configEnv(entries [][2]string) []string {
	n, _ := strconv.Atoi(os.Getenv("GIT_CONFIG_COUNT"))
	env := []string{"GIT_CONFIG_COUNT=" + strconv.Itoa(n+len(entries))}
	for i, e := range entries {
		env = append(env,
			fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", n+i, e[0]),
			fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", n+i, e[1]))
	}
	return env
}

// fallbackIdentity names oamfix as the commit author and committer when
// neither the environment nor git's config does (a fresh CI machine).
func fallbackIdentity(dir string) []string {
	var env []string
	for _, v := range []struct{ key, name, value string }{
		{"user.name", "NAME", "oamfix"},
		{"user.email", "EMAIL", "oamfix@users.noreply.github.com"},
	} {
		if os.Getenv("GIT_AUTHOR_"+v.name) != "" && os.Getenv("GIT_COMMITTER_"+v.name) != "" {
			continue
		}
		cmd := exec.Command("git", "config", v.key)
		cmd.Dir = dir
		if out, err := cmd.Output(); err == nil && strings.TrimSpace(string(out)) != "" {
			continue
		}
		if v.name == "EMAIL" && os.Getenv("EMAIL") != "" {
			continue
		}
		for _, role := range []string{"GIT_AUTHOR_", "GIT_COMMITTER_"} {
			if os.Getenv(role+v.name) == "" {
				env = append(env, role+v.name+"="+v.value)
			}
		}
	}
	return env
}

// run runs git with args and returns its standard output without the
// final newline. The error carries git's standard error.
func (g *gitRunner) run(ctx context.Context, args ...string) (string, error) {
	return g.exec(ctx, g.env, args)
}

// remote runs a git command that talks to the remote, with credentials.
func (g *gitRunner) remote(ctx context.Context, args ...string) (string, error) {
	return g.exec(ctx, append(append([]string(nil), g.env...), g.remoteEnv...), args)
}

func (g *gitRunner) exec(ctx context.Context, env, args []string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", args[0], msg)
	}
	return strings.TrimRight(stdout.String(), "\n"), nil
}
