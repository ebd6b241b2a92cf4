package render

import (
	"reflect"
	"testing"

	"golang.org/x/sys/cpu"
)

func init() {
	if cpu.X86.HasAVX2 {
		bitKernels = append(bitKernels, struct {
			name string
			fn   bitKernel
		}{"avx2", bitsAVX2})
	}
}

// TestBitsKernelChosen checks that the renderer uses the AVX2 kernel exactly
// where the CPU has AVX2.
func TestBitsKernelChosen(t *testing.T) {
	r, err := NewBitRenderer(benchgame(8))
	if err != nil {
		t.Fatal(err)
	}
	var want bitKernel = bitsGo
	if cpu.X86.HasAVX2 {
		want = bitsAVX2
	}
	if reflect.ValueOf(r.kernel).Pointer() != reflect.ValueOf(want).Pointer() {
		t.Errorf("HasAVX2 is %v, but the renderer's kernel is not %v", cpu.X86.HasAVX2, runtimeName(want))
	}
}

func runtimeName(f bitKernel) string {
	if reflect.ValueOf(f).Pointer() == reflect.ValueOf(bitsGo).Pointer() {
		return "bitsGo"
	}
	return "bitsAVX2"
}
