// Command floor is the whole-process floor of the benchmarks: a bare kyaml
// parse and serialize (kio.ByteReader with PreserveSeqIndent, then
// kio.ByteWriter) of every *.yaml and *.yml file under its arguments, in a
// worker pool sized to the CPUs like oamfix's, writing nothing. It is the
// least any kyaml-based tool does to a file.
package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

func main() {
	var files []string
	for _, root := range os.Args[1:] {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if ext := strings.ToLower(filepath.Ext(p)); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	work := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				data, err := os.ReadFile(p)
				if err != nil {
					continue
				}
				r := &kio.ByteReader{Reader: bytes.NewReader(data), PreserveSeqIndent: true, WrapBareSeqNode: true}
				nodes, err := r.Read()
				if err != nil {
					continue // not YAML kyaml reads: skipped, as oamfix skips it
				}
				_ = kio.ByteWriter{Writer: io.Discard}.Write(nodes)
			}
		}()
	}
	for _, p := range files {
		work <- p
	}
	close(work)
	wg.Wait()
}
