package deep

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// TestRoutineGates holds the Go variable that decides whether the CPU
// runs each assembly routine to the routine's "Requires:" line
// (gentest.CheckGate). qemu's -cpu Haswell,-avx reports FMA without AVX;
// plainFMA, on HasFMA alone, faulted there.
func TestRoutineGates(t *testing.T) {
	for _, c := range []struct{ asm, routine, gofile, gate string }{
		{"plain_fma_amd64.s", "plainFMA", "plain_amd64.go", "plainFMAFunc"},
		{"plain_fma_amd64.s", "plainPairBLA", "plain_amd64.go", "hasPlainPair"},
		{"plain_fma_amd64.s", "floatPairBLA", "plain_amd64.go", "hasPlainPair"},
		{"perturb_avx512_amd64.s", "perturbBlocks512", "lanes_amd64.go", "lanesAvailable"},
		{"perturb_avx2_amd64.s", "perturbBlocksAVX2", "lanes_avx2_amd64.go", "avx2LanesAvailable"},
		{"perturb_avx512_amd64.s", "cyclePeriods512", "cycle_amd64.go", "cycleLanesAvailable"},
	} {
		gentest.CheckGate(t, c.asm, c.routine, c.gate, gateTests(t, c.gofile, c.gate))
	}
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
