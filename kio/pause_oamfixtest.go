//go:build oamfixtest

package kio

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A binary built with -tags oamfixtest (the CLI's process tests build
// one) can pause at a write step so that a test hits a race every time.
// OAMFIX_TEST_PAUSE=OP:N:DIR pauses at the Nth step OP ("check" comes
// after a group is staged and synced, before each target is locked,
// compared and renamed): the process writes DIR/paused, holding the
// temporary file's path, then waits until DIR/resume exists.
func init() {
	spec := os.Getenv("OAMFIX_TEST_PAUSE")
	if spec == "" {
		return
	}
	parts := strings.SplitN(spec, ":", 3)
	n, err := strconv.Atoi(parts[min(1, len(parts)-1)])
	if len(parts) != 3 || err != nil || n < 1 {
		panic(fmt.Sprintf("OAMFIX_TEST_PAUSE=%q: want OP:N:DIR", spec))
	}
	op, dir := parts[0], parts[2]
	var mu sync.Mutex
	seen := 0
	writeStep = func(o, path string) error {
		if o != op {
			return nil
		}
		mu.Lock()
		seen++
		pause := seen == n
		mu.Unlock()
		if !pause {
			return nil
		}
		// Written whole, then renamed: the test never reads half of it.
		if err := os.WriteFile(filepath.Join(dir, "paused.tmp"), []byte(path), 0o644); err != nil {
			panic(err)
		}
		if err := os.Rename(filepath.Join(dir, "paused.tmp"), filepath.Join(dir, "paused")); err != nil {
			panic(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(dir, "resume")); err == nil {
				return nil
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
}
