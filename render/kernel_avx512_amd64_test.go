package render

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestKernelsMatchScalarAtLaneEdges compares every kernel with Scalar on
// rows around multiples of the widest kernel's lanes (where the block
// routine stops refilling lanes and leaves the row's end to the driver)
// and at iteration limits around multiples of the unroll factors (where
// lanes finish at maxIter inside the block routine or in Go), on a row
// that mixes fast escapes, slow ones and interior points.
func TestKernelsMatchScalarAtLaneEdges(t *testing.T) {
	ks := kernels(t)
	// avx512ShortRow-1 and avx512ShortRow: the avx512 kernel's two paths.
	for _, n := range []int{maxLanes - 1, maxLanes, maxLanes + 1, 2*maxLanes - 1, 2 * maxLanes, 2*maxLanes + 1, 3*maxLanes + 5, 200, avx512ShortRow - 1, avx512ShortRow} {
		for _, m := range []int{maxUnroll - 1, maxUnroll, maxUnroll + 1, 8*maxUnroll - 1, 8 * maxUnroll, 250*maxUnroll + 1, 256 * maxUnroll, stopCheckIters, stopCheckIters + 1} {
			cr := make([]float64, n)
			for i := range cr {
				// From outside the set through the cardioid's edge to its
				// inside, in an order that mixes them.
				cr[i] = -2.1 + 2.6*float64((i*37)%n)/float64(n)
			}
			ci := 0.13
			want := make([]uint32, n)
			wantMag := make([]float64, n)
			wantWork := Scalar(cr, ci, m, 4, want, wantMag, nil)
			for name, k := range ks {
				got := make([]uint32, n)
				gotMag := make([]float64, n)
				if work := k.Row(cr, ci, m, 4, got, gotMag, nil); work != wantWork {
					t.Errorf("%s, %d points, maxIter %d: work %d, Scalar %d", name, n, m, work, wantWork)
				}
				for i := range cr {
					if got[i] != want[i] || math.Float64bits(gotMag[i]) != math.Float64bits(wantMag[i]) {
						t.Fatalf("%s, %d points, maxIter %d, point %d (c=%v%+vi): iter %d, mag2 %v; Scalar: %d, %v",
							name, n, m, i, cr[i], ci, got[i], gotMag[i], want[i], wantMag[i])
					}
				}
			}
		}
	}
}

// TestGeneratedAVX512KernelIsUpToDate is TestGeneratedKernelIsUpToDate for
// internal/avx512gen.
func TestGeneratedAVX512KernelIsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	gen := filepath.Join(dir, "avx512gen")
	if out, err := exec.Command(goCmd, "build", "-o", gen, "./internal/avx512gen").CombinedOutput(); err != nil {
		t.Fatalf("building the generator: %v\n%s", err, out)
	}
	files := []string{"kernel_avx512_amd64.s", "kernel_avx512_amd64.go"}
	cmd := exec.Command(gen, "-out", files[0], "-stubs", files[1], "-pkg", "render")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the generator: %v\n%s", err, out)
	}
	for _, name := range files {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what internal/avx512gen generates: run go generate ./render/", name)
		}
	}
}
