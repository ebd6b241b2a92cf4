package deep

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestRoutineGates reads each assembly routine's "Requires:" line (avo
// lists every instruction set the routine uses) and the Go variable
// that decides whether the CPU runs it, and fails unless that variable
// tests each set (cpu.X86.HasX): a routine whose gate misses one faults
// with SIGILL on a CPU, or a VM, that reports the others but not that
// one, which this machine's tests would not notice. (qemu's -cpu
// Haswell,-avx reports FMA without AVX; plainFMA, on HasFMA alone,
// faulted there.)
func TestRoutineGates(t *testing.T) {
	// The cpu.X86 field for each of avo's names; CMOV and SSE2 are in
	// every amd64. AVX2 and AVX-512F come with AVX: no CPU or hypervisor
	// reports them without it (qemu drops AVX2 with AVX).
	field := map[string]string{"AVX": "HasAVX", "AVX2": "HasAVX2", "FMA3": "HasFMA", "POPCNT": "HasPOPCNT",
		"AVX512F": "HasAVX512F", "AVX512DQ": "HasAVX512DQ", "AVX512VL": "HasAVX512VL", "CMOV": "", "SSE2": ""}
	implied := map[string][]string{"HasAVX2": {"HasAVX"}, "HasAVX512F": {"HasAVX"}}
	for _, c := range []struct{ asm, routine, gofile, gate string }{
		{"plain_fma_amd64.s", "plainFMA", "plain_amd64.go", "plainFMAFunc"},
		{"plain_fma_amd64.s", "plainPairBLA", "plain_amd64.go", "hasPlainPair"},
		{"plain_fma_amd64.s", "floatPairBLA", "plain_amd64.go", "hasPlainPair"},
		{"perturb_avx512_amd64.s", "perturbBlocks512", "lanes_amd64.go", "lanesAvailable"},
		{"perturb_avx2_amd64.s", "perturbBlocksAVX2", "lanes_avx2_amd64.go", "avx2LanesAvailable"},
		{"perturb_avx512_amd64.s", "cyclePeriods512", "cycle_amd64.go", "cycleLanesAvailable"},
	} {
		needs := requires(t, c.asm, c.routine)
		has := gateTests(t, c.gofile, c.gate)
		for f := range has {
			for _, g := range implied[f] {
				has[g] = true
			}
		}
		for _, n := range needs {
			f, ok := field[n]
			if !ok {
				t.Errorf("%s needs %s, which this test does not know", c.routine, n)
				continue
			}
			if f != "" && !has[f] {
				t.Errorf("%s needs %s, but %s does not test cpu.X86.%s", c.routine, n, c.gate, f)
			}
		}
	}
}

// requires returns the instruction sets of routine's "Requires:" line in
// the assembly file asm.
func requires(t *testing.T, asm, routine string) []string {
	t.Helper()
	b, err := os.ReadFile(asm)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^// func ` + routine + `\(.*\n// Requires: (.*)$`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("%s: no Requires line for %s", asm, routine)
	}
	return strings.Split(string(m[1]), ", ")
}

// gateTests returns the cpu.X86 fields that the package-level variable
// gate's initializer in gofile reads.
func gateTests(t *testing.T, gofile, gate string) map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), gofile, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	found := false
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			for i, name := range v.Names {
				if name.Name != gate || i >= len(v.Values) {
					continue
				}
				found = true
				ast.Inspect(v.Values[i], func(n ast.Node) bool {
					if sel, ok := n.(*ast.SelectorExpr); ok {
						if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "X86" {
							has[sel.Sel.Name] = true
						}
					}
					return true
				})
			}
		}
	}
	if !found {
		t.Fatalf("%s: no variable %s", gofile, gate)
	}
	return has
}
