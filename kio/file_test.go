package kio

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestLinesCountAsTheFileSplitsThem (issue item 8): yaml.v3 counts NEL,
// LINE SEPARATOR and PARAGRAPH SEPARATOR as line breaks; after them, in
// comments or a quoted value, node lines and columns are still the
// file's, as editors and SARIF viewers count them (the fixture has one of
// each before the nodes checked).
func TestLinesCountAsTheFileSplitsThem(t *testing.T) {
	path := filepath.Join("testdata", "writeback", "line-separator-comments", "input.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	root := f.Docs[0].Node
	for _, c := range []struct {
		path []string
		text string // the file line's text at the node's column
	}{
		{[]string{"spec"}, "spec:"},
		{[]string{"spec", "components"}, "components:"},
		{[]string{"spec", "components", "[name=api]", "type"}, "type: webservice"},
		{[]string{"spec", "components", "[name=api]", "properties", "image"}, "image: \"nginx"},
	} {
		parent, err := root.Pipe(yaml.Lookup(c.path[:len(c.path)-1]...))
		if err != nil || parent == nil {
			t.Fatalf("%v: %v", c.path, err)
		}
		field := parent.Field(c.path[len(c.path)-1])
		if field == nil {
			t.Fatalf("%v: no such field", c.path)
		}
		key := field.Key.YNode()
		line := f.Docs[0].Line(key.Line)
		if line < 1 || line > len(lines) {
			t.Fatalf("%v: line %d", c.path, line)
		}
		at := []rune(lines[line-1])
		if key.Column < 1 || key.Column > len(at) || !strings.HasPrefix(string(at[key.Column-1:]), c.text) {
			t.Errorf("%v: line %d, column %d reads %q, want %q", c.path, line, key.Column, lines[line-1], c.text)
		}
	}
	// A value after a separator on its own line: the column counts it.
	f, err = Parse("flow.yaml", []byte("{a: \"x\u2028y\", b: 2}\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := f.Docs[0].Node.Field("b").Key.YNode()
	if b.Line != 1 || b.Column != 12 {
		t.Errorf("b at %d:%d, want 1:12", b.Line, b.Column)
	}
}

// TestParseErrorsSayWhy: what oamfix cannot read right is refused with a
// message that says what and where, as YAML syntax (so a file without OAM
// is skipped with a warning): CR-only line endings, a lone CR, a %YAML 1.2
// directive, a line separator that yaml.v3 would turn into data (each a
// fixture under kio/testdata/writeback, whose want.err holds the message).
func TestParseErrorsSayWhy(t *testing.T) {
	for name, want := range map[string]string{
		"cr-only":             "the line endings are CR only",
		"lone-cr":             ":6: a carriage return (CR) not followed by a line feed",
		"yaml-1.2-directive":  `:1: the directive "%YAML 1.2"`,
		"line-separator-data": ":4: U+2028 LINE SEPARATOR at column 35",
	} {
		path := filepath.Join("testdata", "writeback", name, "input.yaml")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(path, data)
		var pe *ParseError
		if !errors.As(err, &pe) || !pe.Syntax || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a syntax error with %q", name, err, want)
		}
	}
	// A NEL in a plain value, which yaml.v3 would end the value at.
	if _, err := Parse("nel.yaml", []byte("a: x\u0085y\nb: 2\n")); err == nil || !strings.Contains(err.Error(), "nel.yaml:1: U+0085 NEXT LINE (NEL) at column 5") {
		t.Errorf("NEL in a value: %v", err)
	}
}

// endless is a stream that never ends, counting what was read from it.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '#'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// TestReadStreamIsBounded: standard input is read up to the size limit
// and one byte more, then refused; an endless stream does not exhaust
// memory.
func TestReadStreamIsBounded(t *testing.T) {
	const limit = 1 << 20
	in := &endless{}
	_, err := ReadStream(Stdin, in, limit)
	if err == nil || !strings.Contains(err.Error(), "-: input is over the 1048576-byte limit") {
		t.Errorf("err %v", err)
	}
	if in.n > limit+64<<10 {
		t.Errorf("read %d bytes of an endless stream with a %d-byte limit", in.n, limit)
	}
}
