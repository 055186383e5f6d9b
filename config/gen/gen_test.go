package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/oamfix/oamfix/config"
)

// TestSchemaUpToDate: the committed schema is what the Go types give
// today. After changing a config type, its doc comment, a tag or
// default.yaml, run `go generate ./config` and read the diff.
func TestSchemaUpToDate(t *testing.T) {
	generated, err := generate("..")
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile(filepath.Join("..", config.SchemaFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, generated) {
		diff := cmp.Diff(strings.SplitAfter(string(committed), "\n"), strings.SplitAfter(string(generated), "\n"))
		t.Errorf("config/%s is out of date; run go generate ./config (-committed +generated):\n%s", config.SchemaFile, diff)
	}
	if !bytes.Equal(config.Schema(), committed) {
		t.Error("config.Schema() is not the committed file")
	}
}
