package prbot

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret in redacted text.
const Redacted = "***"

// userinfo matches the user:password@ part of a URL, such as the
// x-access-token:<token>@ form GitHub tokens take in clone URLs.
var userinfo = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@:]*:[^/\s@]*@`)

// A Redactor removes a token from text before it is printed or returned:
// the token itself, its URL-escaped and HTTP Basic (x-access-token:<token>)
// forms, and any user:password@ credentials in URLs.
type Redactor struct {
	secrets []string
}

// NewRedactor returns a redactor for token (which may be empty: URL
// credentials are still removed). A token shorter than MinTokenLength is
// not a token (Run refuses it before using it) and is not redacted:
// replacing a one-letter "token" would garble every message.
func NewRedactor(token string) *Redactor {
	r := &Redactor{}
	if len(token) < MinTokenLength {
		return r
	}
	for _, s := range []string{
		base64.StdEncoding.EncodeToString([]byte("x-access-token:" + token)),
		url.QueryEscape(token),
		url.PathEscape(token),
		token,
	} {
		if s != "" && !contains(r.secrets, s) {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String returns s with every secret replaced by Redacted.
func (r *Redactor) String(s string) string {
	s = userinfo.ReplaceAllString(s, "${1}"+Redacted+"@")
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Redacted)
	}
	return s
}

// Error returns err with its message redacted. The result does not wrap err
// (whose chain may hold the secret); a usage error stays a *UsageError.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	msg := r.String(err.Error())
	var ue *UsageError
	if errors.As(err, &ue) {
		return &UsageError{Msg: msg}
	}
	return errors.New(msg)
}

// MinTokenLength is the length below which a token is refused. GitHub's
// tokens are 40 characters or longer (ghp_, ghs_ and gho_ tokens, the old
// 40-digit hex ones, github_pat_ ones are longer); 20 leaves room for
// other servers' formats and still catches placeholders and stray words.
const MinTokenLength = 20

// checkToken refuses a token that cannot be one, before anything uses it:
// one holding a line break (a trailing newline from a file or a heredoc),
// a space or any character outside printable ASCII, and one too short to
// be a token. The message never shows the token.
func checkToken(token string) error {
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c > ' ' && c < 0x7f {
			continue
		}
		if (c == '\n' || c == '\r') && strings.TrimRight(token, "\r\n") == token[:i] {
			return usagef("GITHUB_TOKEN ends with a line break (read from a file with a final newline?); remove it, for example GITHUB_TOKEN=\"$(tr -d '\\r\\n' < FILE)\"")
		}
		return usagef("GITHUB_TOKEN holds a space, a control or a non-ASCII character at position %d of %d; a token is printable ASCII only: check how it is set", i+1, len(token))
	}
	if len(token) < MinTokenLength {
		return usagef("GITHUB_TOKEN is %d characters long, too short to be a token (GitHub's are 40 or longer); set the token itself", len(token))
	}
	return nil
}

// UsageError is bad input: a flag, a path, a missing token or the state of
// the checkout. The CLI exits with status 2 for it.
type UsageError struct {
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

// usagef returns a *UsageError with a formatted message.
func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// IsUsage reports whether err is (or wraps) a *UsageError.
func IsUsage(err error) bool {
	var ue *UsageError
	return errors.As(err, &ue)
}
