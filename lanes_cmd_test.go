package main

import (
	"strings"
	"testing"

	"github.com/mandel-project/mandel/render"
	"golang.org/x/sys/cpu"
)

// TestVerboseLanes: -v names the SIMD lanes the perturbation path ran on
// without BLA: AVX2's with --kernel avx2, AVX-512's with --kernel
// avx512, none with the scalar kernel. A kernel this CPU lacks skips.
func TestVerboseLanes(t *testing.T) {
	for _, c := range []struct {
		kernel, want string
		has          bool // the CPU has the lanes where it has the kernel
	}{
		{"scalar", "", true},
		{"avx2", "pixels on AVX2 lanes", cpu.X86.HasFMA && cpu.X86.HasPOPCNT},
		{"avx512", "pixels on AVX-512 lanes", cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512VL && cpu.X86.HasPOPCNT},
	} {
		t.Run(c.kernel, func(t *testing.T) {
			if _, err := render.LookupKernel(c.kernel); err != nil || !c.has {
				t.Skipf("this CPU has no %s lanes (%v)", c.kernel, err)
			}
			code, _, stderr := mandel(t, t.TempDir(), "-v", "--method", "perturb", "--no-bla", "--kernel", c.kernel,
				"--center", "0,1", "--scale", "1e-20", "--size", "16x8", "--maxiter", "200", "DIR/o.png")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if got := strings.Contains(stderr, "pixels on"); c.want == "" && got || c.want != "" && !strings.Contains(stderr, c.want) {
				t.Errorf("-v with --kernel %s says\n%s\nwant %q", c.kernel, stderr, c.want)
			}
		})
	}
}
