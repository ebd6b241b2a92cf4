package render

import "testing"

// TestHugePagesEdges checks that the advice is safe on slices that hold no
// whole huge page, or none at all, and leaves the contents alone.
func TestHugePagesEdges(t *testing.T) {
	hugePages([]float64(nil))
	hugePages(make([]uint32, 1))
	big := make([]float64, 3<<20/8+5) // 3 MiB and a bit: one whole huge page at most
	big[0], big[len(big)-1] = 1, 2
	hugePages(big[1:])
	if big[0] != 1 || big[len(big)-1] != 2 {
		t.Error("hugePages changed the slice")
	}
}
