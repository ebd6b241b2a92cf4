//go:build unix

package pipeline

import (
	"testing"

	"github.com/mandel-project/mandel/imageio"
)

// TestRenderCPU: the render steps' CPU time is counted, and only theirs:
// a render that iterates gets some, and no more than the whole process
// used while Run ran.
func TestRenderCPU(t *testing.T) {
	j := job(t, preset(t, "interior", 200, 150), 1, imageio.PGM)
	j.View.MaxIter = 5000 // enough iterations for the clock to see
	before := processCPU()
	_, st := run(t, j)
	whole := processCPU() - before
	if st.RenderCPU <= 0 {
		t.Fatalf("RenderCPU %v after %d iterations", st.RenderCPU, st.Report.Work())
	}
	if st.RenderCPU > whole {
		t.Errorf("RenderCPU %v, more than the process used in Run, %v", st.RenderCPU, whole)
	}
}
