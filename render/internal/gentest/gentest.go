// Package gentest holds the checks of generated assembly that the tests
// of render and render/deep share: that a routine is current with its
// avo generator under render/internal, and that the CPU test guarding it
// asks for every instruction set it uses.
package gentest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// CheckGenerated builds the generator at genDir (a path relative to the
// calling test's package, such as "./internal/kernelgen"), runs it into
// a temporary folder as go generate does, with -out asm, -stubs stubs and
// -pkg pkg, and fails t for each of the two files that differs from the
// committed one: an edit to either side that was not regenerated. It
// skips where there is no go command.
func CheckGenerated(t *testing.T, genDir, asm, stubs, pkg string) {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	gen := filepath.Join(dir, filepath.Base(genDir))
	if out, err := exec.Command(goCmd, "build", "-o", gen, genDir).CombinedOutput(); err != nil {
		t.Fatalf("building the generator: %v\n%s", err, out)
	}
	cmd := exec.Command(gen, "-out", asm, "-stubs", stubs, "-pkg", pkg)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running the generator: %v\n%s", err, out)
	}
	for _, name := range []string{asm, stubs} {
		want, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what %s generates: run go generate", name, genDir)
		}
	}
}

// cpuField is the cpu.X86 field for each of avo's instruction-set names
// ("" for those every amd64 CPU has).
var cpuField = map[string]string{"AVX": "HasAVX", "AVX2": "HasAVX2", "FMA3": "HasFMA", "BMI": "HasBMI1",
	"POPCNT": "HasPOPCNT", "AVX512F": "HasAVX512F", "AVX512DQ": "HasAVX512DQ", "AVX512VL": "HasAVX512VL",
	"CMOV": "", "SSE2": ""}

// impliedFields are the cpu.X86 fields that another one vouches for:
// x/sys/cpu reports AVX2 and AVX-512F only where the OS saves the AVX
// state, and every CPU with AVX-512F so far has AVX-512VL.
var impliedFields = map[string][]string{"HasAVX2": {"HasAVX"}, "HasAVX512F": {"HasAVX", "HasAVX512VL"}}

// CheckGate fails t for each instruction set on routine's "Requires:"
// line in the assembly file asm (avo lists every set a routine uses)
// that the gate deciding whether the CPU runs it does not test: has
// holds the cpu.X86 fields the gate reads. A routine whose gate misses a
// set faults with SIGILL on a CPU, or a VM, that reports the others but
// not that one, which the tests on this machine would not notice.
func CheckGate(t *testing.T, asm, routine, gate string, has map[string]bool) {
	t.Helper()
	b, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^// func ` + routine + `\(.*\n// Requires: (.*)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no Requires line for %s", asm, routine)
	}
	tested := map[string]bool{}
	for f := range has {
		tested[f] = true
		for _, g := range impliedFields[f] {
			tested[g] = true
		}
	}
	for _, n := range strings.Split(string(m[1]), ", ") {
		f, known := cpuField[n]
		switch {
		case !known:
			t.Errorf("%s needs %s, which gentest does not know", routine, n)
		case f != "" && !tested[f]:
			t.Errorf("%s needs %s, but %s does not test cpu.X86.%s", routine, n, gate, f)
		}
	}
}
