package render

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestKernelGates reads the "Requires:" line (avo lists every instruction
// set a routine uses) of each assembly routine a kernel runs, and the
// kernel's Available in kernel_amd64.go, and fails unless Available tests
// each set: a kernel whose gate misses one faults with SIGILL on a CPU or
// VM that reports the others but not that one (qemu's -cpu Haswell,-bmi1
// ran the avx2 kernel's periodic routine, with ANDN, into SIGILL when
// Available asked for AVX2 alone).
func TestKernelGates(t *testing.T) {
	field := map[string]string{"AVX": "HasAVX", "AVX2": "HasAVX2", "BMI": "HasBMI1", "POPCNT": "HasPOPCNT",
		"AVX512F": "HasAVX512F", "AVX512VL": "HasAVX512VL", "CMOV": "", "SSE2": ""}
	// AVX comes with AVX2 and AVX-512F (x/sys/cpu reports neither without
	// the OS's AVX state); AVX-512VL with AVX-512F on every CPU so far.
	implied := map[string][]string{"HasAVX2": {"HasAVX"}, "HasAVX512F": {"HasAVX", "HasAVX512VL"}}
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
		for f := range has {
			for _, g := range implied[f] {
				has[g] = true
			}
		}
		for _, r := range rs {
			b, err := os.ReadFile(r[0])
			if err != nil {
				t.Fatal(err)
			}
			m := regexp.MustCompile(`(?m)^// func ` + r[1] + `\(.*\n// Requires: (.*)$`).FindSubmatch(b)
			if m == nil {
				t.Fatalf("%s: no Requires line for %s", r[0], r[1])
			}
			for _, n := range strings.Split(string(m[1]), ", ") {
				f, known := field[n]
				switch {
				case !known:
					t.Errorf("%s needs %s, which this test does not know", r[1], n)
				case f != "" && !has[f]:
					t.Errorf("kernel %s runs %s, which needs %s, but its Available does not test cpu.X86.%s", name, r[1], n, f)
				}
			}
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
