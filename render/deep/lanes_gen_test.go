package deep

import (
	"runtime"
	"testing"

	"github.com/mandel-project/mandel/render/internal/gentest"
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
	gentest.CheckGenerated(t, "../internal/perturbgen", "perturb_avx512_amd64.s", "perturb_avx512_amd64.go", "deep")
}
