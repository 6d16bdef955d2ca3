package hostile

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestFuzzTargetsDocumented: docs/hostile.md's table of fuzz targets lists
// every Fuzz function of the tree, in the package it is in, and nothing
// else, so that a target added without a row (as FuzzRowSorter once was)
// fails here.
func TestFuzzTargetsDocumented(t *testing.T) {
	root := filepath.Join("..", "..")
	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz\w*)\(`)
	var inTree []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		pkg := filepath.Base(filepath.Dir(path))
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(src), -1) {
			inTree = append(inTree, m[1]+" "+pkg)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "hostile.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(Fuzz\\w*)` \\| `(\\w+)` \\|")
	var inDoc []string
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		inDoc = append(inDoc, m[1]+" "+m[2])
	}
	slices.Sort(inTree)
	slices.Sort(inDoc)
	if len(inTree) < 10 {
		t.Fatalf("found only %d fuzz targets in the tree: %v", len(inTree), inTree)
	}
	if !slices.Equal(inTree, inDoc) {
		t.Errorf("fuzz targets in the tree (target package):\n%s\nin docs/hostile.md:\n%s", strings.Join(inTree, "\n"), strings.Join(inDoc, "\n"))
	}
}
