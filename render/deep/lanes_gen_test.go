package deep

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"testing"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// TestGeneratedLanesAreUpToDate runs internal/perturbgen and
// internal/perturbavx2gen into a temporary directory and compares their
// output with the committed files, so that an edit to either side that
// is not regenerated fails here.
func TestGeneratedLanesAreUpToDate(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("builds the generator (make test's GOAMD64 legs check it; the race detector adds nothing here)")
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the perturbation loop's files are amd64's")
	}
	gentest.CheckGenerated(t, "../internal/perturbgen", "perturb_avx512_amd64.s", "perturb_avx512_amd64.go", "deep")
	gentest.CheckGenerated(t, "../internal/perturbavx2gen", "perturb_avx2_amd64.s", "perturb_avx2_amd64.go", "deep")
}

// TestAVX2LanesNoAVX512 reads the committed AVX2 routine and fails if it
// names a register that only AVX-512 has (or BP, the caller's frame
// pointer, or R15, the assembler's where it links dynamically), as
// internal/perturbavx2gen also checks: avo's allocator takes X, Y16 to 31
// when registers run short, EVEX-encoded instructions that fault on the
// AVX2-only CPUs the routine is for, which this machine's tests would not
// notice if it has AVX-512.
func TestAVX2LanesNoAVX512(t *testing.T) {
	b, err := os.ReadFile("perturb_avx2_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\b([XYZ](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[1-7]|BP|R15)\b`)
	if m := re.FindAll(b, 5); m != nil {
		t.Errorf("perturb_avx2_amd64.s names %q", m)
	}
	if !bytes.Contains(b, []byte("VPTEST")) {
		t.Error("perturb_avx2_amd64.s has no VPTEST: not the AVX2 routine?")
	}
}
