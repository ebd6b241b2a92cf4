// Package gentest holds the check that a generated assembly kernel is
// current: the tests of render and render/deep call it for each avo
// generator under render/internal.
package gentest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CheckGenerated builds the generator at genDir (a path relative to the
// calling test's package, such as "./internal/kernelgen"), runs it into
// a temporary folder as go generate does, with -out asm, -stubs stubs and
// -pkg pkg, and fails t for each of the two files that differs from the
// committed one: an edit to either side that was not regenerated. It
// skips where there is no go command.
func CheckGenerated(t *testing.T, genDir, asm, stubs, pkg string) {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	gen := filepath.Join(dir, filepath.Base(genDir))
	if out, err := exec.Command(goCmd, "build", "-o", gen, genDir).CombinedOutput(); err != nil {
		t.Fatalf("building the generator: %v\n%s", err, out)
	}
	cmd := exec.Command(gen, "-out", asm, "-stubs", stubs, "-pkg", pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the generator: %v\n%s", err, out)
	}
	for _, name := range []string{asm, stubs} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what %s generates: run go generate", name, genDir)
		}
	}
}
