package main

import (
	"go/build"
	"path/filepath"
	"strings"
	"testing"
)

// TestInternalIsGroundFloor: docs/design.md's map puts internal/ on the
// ground floor, where nothing imports a package above it: no package of
// internal/ imports one of the module's packages outside internal/.
func TestInternalIsGroundFloor(t *testing.T) {
	const module = "github.com/mandel-project/mandel/"
	dirs, err := filepath.Glob("internal/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no internal/ packages: %v", err)
	}
	for _, dir := range dirs {
		pkg, err := build.ImportDir(dir, 0)
		if _, ok := err.(*build.NoGoError); ok {
			continue // not a package
		} else if err != nil {
			t.Fatal(err)
		}
		for _, imp := range pkg.Imports {
			if strings.HasPrefix(imp, module) && !strings.HasPrefix(imp, module+"internal/") {
				t.Errorf("%s imports %s, which the map puts above it", dir, imp)
			}
		}
	}
}
