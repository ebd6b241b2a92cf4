package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/render/internal/gentest"
)

// TestKernelGates holds each kernel's Available in kernel_amd64.go to the
// "Requires:" lines of the assembly routines it runs (gentest.CheckGate):
// qemu's -cpu Haswell,-bmi1 ran the avx2 kernel's periodic routine, with
// ANDN, into SIGILL when Available asked for AVX2 alone.
func TestKernelGates(t *testing.T) {
	routines := map[string][][2]string{
		"avx2": {{"kernel_avx2_amd64.s", "avx2Blocks"}, {"kernel_avx2_amd64.s", "avx2PeriodicBlocks"}, {"bits_amd64.s", "bitsAVX2"}},
		// Short rows go to the AVX2 routines (avx512ShortRow).
		"avx512": {{"kernel_avx512_amd64.s", "avx512Blocks"}, {"kernel_avx512_amd64.s", "avx512PeriodicBlocks"},
			{"kernel_avx512_amd64.s", "avx512LastUnsafe"}, {"bits_amd64.s", "bitsAVX512"},
			{"kernel_avx2_amd64.s", "avx2Blocks"}, {"kernel_avx2_amd64.s", "avx2PeriodicBlocks"}},
	}
	gates := kernelGates(t)
	for name, rs := range routines {
		has, ok := gates[name]
		if !ok {
			t.Fatalf("kernel_amd64.go has no kernel %q", name)
		}
		for _, r := range rs {
			gentest.CheckGate(t, r[0], r[1], "kernel "+name+"'s Available", has)
		}
	}
}

// kernelGates returns, for each kernel in kernel_amd64.go's kernelTable,
// the cpu.X86 fields its Available reads.
func kernelGates(t *testing.T) map[string]map[string]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "kernel_amd64.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	gates := map[string]map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		name, has := "", map[string]bool{}
		for _, e := range lit.Elts {
			kv, ok := e.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch key, _ := kv.Key.(*ast.Ident); {
			case key == nil:
			case key.Name == "Name":
				if s, ok := kv.Value.(*ast.BasicLit); ok {
					name, _ = strconv.Unquote(s.Value)
				}
			case key.Name == "Available":
				ast.Inspect(kv.Value, func(n ast.Node) bool {
					if sel, ok := n.(*ast.SelectorExpr); ok && strings.HasPrefix(sel.Sel.Name, "Has") {
						has[sel.Sel.Name] = true
					}
					return true
				})
			}
		}
		if name != "" {
			gates[name] = has
		}
		return true
	})
	return gates
}
