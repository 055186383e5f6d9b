// Command gen writes the JSON Schema of OAMFixConfig files
// (config.GenerateSchema), with the Go doc comments of the config types as
// descriptions: `go generate ./config` runs it.
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"

	"github.com/oamfix/oamfix/config"
)

func main() {
	src := flag.String("src", ".", "folder of the config package's source")
	out := flag.String("out", config.SchemaFile, "file to write")
	flag.Parse()
	schema, err := generate(*src)
	if err == nil {
		err = os.WriteFile(*out, schema, 0o644)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

// generate builds the schema from the config package in src.
func generate(src string) ([]byte, error) {
	docs, err := fieldDocs(src)
	if err != nil {
		return nil, err
	}
	return config.GenerateSchema(docs)
}

// fieldDocs reads the doc comment of every struct field declared in the
// non-test Go files of src, keyed "Type.Field", on one line.
func fieldDocs(src string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(src, "*.go"))
	if err != nil {
		return nil, err
	}
	docs := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return false
			}
			for _, fl := range st.Fields.List {
				for _, id := range fl.Names {
					if text := fl.Doc.Text(); text != "" {
						docs[ts.Name.Name+"."+id.Name] = strings.Join(strings.Fields(text), " ")
					}
				}
			}
			return false
		})
	}
	return docs, nil
}
