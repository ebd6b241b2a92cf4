package deep

import (
	"bytes"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// TestGeneratedLanesAreUpToDate runs internal/perturbgen,
// internal/perturbavx2gen and internal/plainfmagen into a temporary directory and compares their
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
	gentest.CheckGenerated(t, "../internal/plainfmagen", "plain_fma_amd64.s", "plain_fma_amd64.go", "deep")
}

// TestAVX2LanesNoAVX512 reads the committed AVX2 routine and fails if it
// names a register that only AVX-512 has (or BP, the caller's frame
// pointer, or R15, the assembler's where it links dynamically), as
// internal/perturbavx2gen also checks, or an instruction outside the
// AVX2 routine's list (avx2Violations): avo's allocator takes X, Y16 to
// 31 when registers run short, and avo emits AVX-512VL instructions on Y0
// to Y15 as readily (VPMULLQ, VPMAXSQ), EVEX-encoded instructions that
// fault on the AVX2-only CPUs the routine is for, which this machine's
// tests would not notice if it has AVX-512. Its FMA3 instructions are
// the three the step and norm2 need (avx2LanesAvailable asks for FMA).
func TestAVX2LanesNoAVX512(t *testing.T) {
	b, err := os.ReadFile("perturb_avx2_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if bad := avx2Violations(b); bad != nil {
		t.Errorf("perturb_avx2_amd64.s has %q", bad)
	}
	if !bytes.Contains(b, []byte("VPTEST")) {
		t.Error("perturb_avx2_amd64.s has no VPTEST: not the AVX2 routine?")
	}
	// The check itself: each of these is one violation.
	for _, line := range []string{"VPMULLQ Y1, Y2, Y3", "VPMAXSQ Y1, Y2, Y3", "VFMADD132PD Y1, Y2, Y3", "KMOVQ K0, AX",
		"VADDPD Y16, Y2, Y3", "VADDPD Z1, Z2, Z3", "MOVQ BP, AX", "TZCNTQ AX, BX"} {
		if bad := avx2Violations([]byte("\t" + line + "\n")); len(bad) != 1 {
			t.Errorf("avx2Violations(%q) = %q, want one", line, bad)
		}
	}
}

// avx2Instructions are the vector instructions the AVX2 routine may use:
// AVX, AVX2 and three FMA3 ones, VEX-encoded on Y0 to Y15. Another needs
// checking against the Intel manual before it joins the list.
var avx2Instructions = map[string]bool{}

func init() {
	for _, op := range strings.Fields(`VADDPD VSUBPD VMULPD VANDPD VANDNPD VORPD VXORPD VCMPPD VBLENDVPD
		VMOVUPD VMOVAPD VMOVDQU VMOVDQA VMOVQ VMOVSD VMOVMSKPD VBROADCASTSD VBROADCASTF128 VINSERTF128
		VEXTRACTF128 VUNPCKLPD VUNPCKHPD VPERMPD VPERMQ VPERM2F128 VPBROADCASTQ VPADDQ VPSUBQ VPMULUDQ
		VPAND VPANDN VPOR VPXOR VPCMPEQQ VPCMPGTQ VPSLLQ VPSRLQ VPTEST VZEROUPPER
		VFMADD231PD VFNMADD231PD VFMADD213PD`) {
		avx2Instructions[op] = true
	}
}

// avx2Violations returns what in the Go assembly src a CPU with AVX2, FMA
// and POPCNT (avx2LanesAvailable) but not AVX-512 might not run, or what the
// routine must not touch: AVX-512's registers, BP and R15, vector
// instructions not in avx2Instructions, and general ones beyond the
// base set and POPCNT.
func avx2Violations(src []byte) []string {
	regs := regexp.MustCompile(`\b([XYZ](1[6-9]|2[0-9]|3[01])|Z[0-9]+|K[0-7]|BP|R15)\b`)
	base := regexp.MustCompile(`^(MOV[BWLQ]|MOVBQZX|CMOVQ[A-Z]+|J[A-Z]+|(ADD|SUB|AND|OR|XOR|CMP|TEST|SHL|SHR|SAR|INC|DEC|NEG|NOT|LEA|BSF|BSR|IMUL)[BWLQ]|POPCNTQ|RET|TEXT|DATA|GLOBL|PCALIGN|NOP)$`)
	var bad []string
	for _, line := range strings.Split(string(src), "\n") {
		line, _, _ = strings.Cut(line, "//")
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasSuffix(f[0], ":") || strings.HasPrefix(f[0], "#") {
			continue
		}
		switch op := f[0]; {
		case regs.MatchString(line):
			bad = append(bad, strings.TrimSpace(line))
		case strings.HasPrefix(op, "V"):
			if !avx2Instructions[op] {
				bad = append(bad, strings.TrimSpace(line))
			}
		case !base.MatchString(op):
			bad = append(bad, strings.TrimSpace(line))
		}
	}
	return bad
}
