package deep

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestGeneratedLanesAreUpToDate runs internal/perturbgen into a temporary
// directory and compares its output with the committed files, so that an
// edit to either side that is not regenerated fails here.
func TestGeneratedLanesAreUpToDate(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the generator (make test's GOAMD64 legs check it; the race detector adds nothing here)")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the perturbation loop's files are amd64's")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	gen := filepath.Join(dir, "perturbgen")
	if out, err := exec.Command(goCmd, "build", "-o", gen, "../internal/perturbgen").CombinedOutput(); err != nil {
		t.Fatalf("building the generator: %v\n%s", err, out)
	}
	cmd := exec.Command(gen, "-out", "perturb_avx512_amd64.s", "-stubs", "perturb_avx512_amd64.go", "-pkg", "deep")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the generator: %v\n%s", err, out)
	}
	for _, name := range []string{"perturb_avx512_amd64.s", "perturb_avx512_amd64.go"} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what internal/perturbgen generates: run go generate ./render/deep/", name)
		}
	}
}
