package render

import "testing"

// TestPerturbLanes: the perturbation path asks render/deep for AVX-512
// lanes with the AVX-512 kernel, AVX2 lanes with the AVX2 kernel (auto's
// choice on a CPU with AVX2 but not AVX-512), and none with the scalar
// kernel or NEON, whatever this CPU has: deep checks the CPU itself.
func TestPerturbLanes(t *testing.T) {
	for name, want := range map[string]laneChoice{
		"scalar": {},
		"neon":   {},
		"avx2":   {on: true, avx2: true},
		"avx512": {on: true},
	} {
		if got := (Kernel{Name: name}).perturbLanes(); got != want {
			t.Errorf("kernel %s: lanes %+v, want %+v", name, got, want)
		}
	}
}
