package kio

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultMaxFileSize is the largest file read unless the caller raises it.
const DefaultMaxFileSize = 32 << 20

// Stdin is the path that names standard input.
const Stdin = "-"

// Expand turns command-line paths into the files to read, in a stable
// order: a file is taken as given; a directory is walked recursively for
// *.yaml and *.yml files, skipping hidden files and folders; "-" stays "-". Errors
// (a missing path, an unreadable folder) are returned beside the files
// that could be found, so one bad path does not stop the others.
func Expand(paths []string) ([]string, []error) {
	var files []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range paths {
		if p == Stdin {
			add(p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, unwrapPathError(err)))
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", path, unwrapPathError(err)))
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return fs.SkipDir
				}
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				return nil // hidden files, such as .oamfix.yaml, are not inputs
			}
			if ext := strings.ToLower(filepath.Ext(path)); ext == ".yaml" || ext == ".yml" {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
		sort.Strings(found)
		for _, f := range found {
			add(f)
		}
	}
	return files, errs
}

// unwrapPathError drops the path from an *fs.PathError, which callers add themselves.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// ReadFile reads and parses one file, refusing files over maxSize bytes
// (0 means DefaultMaxFileSize). The file remembers which file it was read
// from and in what state, so that Batch.Stage writes its fix only over
// that same, unchanged file.
func ReadFile(path string, maxSize int64) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, &ParseError{Path: path, Msg: unwrapPathError(err).Error()}
	}
	if !info.Mode().IsRegular() {
		return nil, &ParseError{Path: path, Msg: "not a regular file"}
	}
	if info.Size() > maxSize {
		return nil, &ParseError{Path: path, Msg: fmt.Sprintf("file is %d bytes, over the %d-byte limit (raise it with --max-file-size)", info.Size(), maxSize)}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &ParseError{Path: path, Msg: unwrapPathError(err).Error()}
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxSize+1))
	if err != nil {
		return nil, &ParseError{Path: path, Msg: unwrapPathError(err).Error()}
	}
	if int64(len(data)) > maxSize {
		return nil, &ParseError{Path: path, Msg: fmt.Sprintf("file is over the %d-byte limit (raise it with --max-file-size)", maxSize)}
	}
	// The file as read, after the read: a write under way shows as a
	// different content when the fix is written.
	var st unix.Stat_t
	if err := unix.Fstat(int(fh.Fd()), &st); err != nil {
		return nil, &ParseError{Path: path, Msg: err.Error()}
	}
	f, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	f.Mode = info.Mode().Perm()
	id := idOf(&st)
	f.disk = &id
	return f, nil
}

// ReadStream reads and parses a whole stream, such as standard input.
func ReadStream(name string, r io.Reader, maxSize int64) (*File, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxFileSize
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, &ParseError{Path: name, Msg: err.Error()}
	}
	if int64(len(data)) > maxSize {
		return nil, &ParseError{Path: name, Msg: fmt.Sprintf("input is over the %d-byte limit (raise it with --max-file-size)", maxSize)}
	}
	return Parse(name, data)
}
