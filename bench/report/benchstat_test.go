package report

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// benchTxt writes the bench.txt of a sweep of serial, bands and steal at 1
// and 2 workers over grains, 8 runs each, steal clearly the fastest.
func benchTxt(t *testing.T, grains []int) []byte {
	t.Helper()
	sc := &bench.SceneResult{Scene: bench.Scene{Name: "tophalf", View: render.View{Width: 8, Height: 8}}}
	rep := &strategies.Report{Wall: time.Millisecond, Workers: []strategies.WorkerStats{{Busy: time.Millisecond, Work: 100}}}
	bands, _ := strategies.Lookup("bands")
	var cs []*bench.Configuration
	add := func(st strategies.Strategy, w, g int, ms float64) {
		c := &bench.Configuration{Scene: sc, Strategy: st, Workers: w, Grain: g}
		for _, m := range spread(ms, 8) {
			c.Samples = append(c.Samples, bench.Sample{Wall: time.Duration(m * 1e6), Report: rep})
		}
		cs = append(cs, c)
	}
	add(strategies.Serial, 1, 1, 20)
	for _, w := range []int{1, 2} {
		add(bands, w, 1, 30/float64(w))
		for _, g := range grains {
			add(strategies.Steal, w, g, 20/float64(w)+float64(g)/10)
		}
	}
	r := &report{&bench.Result{Configs: cs}}
	r.Env.Sweep.Grains = grains
	var b bytes.Buffer
	if err := r.writeBenchfmt(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// benchstatCells groups bench.txt's sec/op values as benchstat does with
// -filter filter -col col and its default -table .config and -row
// .fullname, and returns the rows, the columns in benchstat's order (the
// first is the base of "vs base") and the cells.
func benchstatCells(t *testing.T, txt []byte, filter, col string) (rows, cols []benchproc.Key, cells map[[2]benchproc.Key][]float64) {
	t.Helper()
	f, err := benchproc.NewFilter(filter)
	if err != nil {
		t.Fatal(err)
	}
	var parser benchproc.ProjectionParser
	tableBy, _, err := parser.ParseWithUnit(".config", f)
	if err != nil {
		t.Fatal(err)
	}
	rowBy, err := parser.Parse(".fullname", f)
	if err != nil {
		t.Fatal(err)
	}
	colBy, err := parser.Parse(col, f)
	if err != nil {
		t.Fatal(err)
	}
	cells = map[[2]benchproc.Key][]float64{}
	seenRow, seenCol := map[benchproc.Key]bool{}, map[benchproc.Key]bool{}
	rd := benchfmt.NewReader(bytes.NewReader(txt), "bench.txt")
	for rd.Scan() {
		res, ok := rd.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		if ok, _ := f.Apply(res); !ok {
			continue
		}
		tableBy.Project(res) // as benchstat does: the projections share the parser's residue
		row, c := rowBy.Project(res), colBy.Project(res)
		v, _ := res.Value("sec/op")
		cells[[2]benchproc.Key{row, c}] = append(cells[[2]benchproc.Key{row, c}], v)
		if !seenRow[row] {
			seenRow[row] = true
			rows = append(rows, row)
		}
		if !seenCol[c] {
			seenCol[c] = true
			cols = append(cols, c)
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	benchproc.SortKeys(rows)
	benchproc.SortKeys(cols)
	return rows, cols, cells
}

// The recipe of README.md and bench --help gives benchstat a "vs base"
// column with a value in every row: its base column has a sample in every
// row, and benchmath compares it with every other column.
func TestBenchstatRecipe(t *testing.T) {
	for _, grains := range [][]int{{1}, {1, 4, 16}} {
		t.Run(fmt.Sprint(grains), func(t *testing.T) {
			txt := benchTxt(t, grains)
			rows, cols, cells := benchstatCells(t, txt, BenchstatFilter, BenchstatCol)
			if len(rows) != 2 || len(cols) != 2 || cols[0].StringValues() != "bands" {
				t.Fatalf("rows %v, columns %v: want 2 worker counts and bands, steal", rows, cols)
			}
			for _, row := range rows {
				base := cells[[2]benchproc.Key{row, cols[0]}]
				other := cells[[2]benchproc.Key{row, cols[1]}]
				if len(base) == 0 || len(other) == 0 {
					t.Fatalf("row %s: base %v, steal %v", row, base, other)
				}
				if p, sig := Compare(base, other); math.IsNaN(p) || !sig {
					t.Errorf("row %s: steal against bands p=%v significant %v", row, p, sig)
				}
			}
		})
	}
	// The recipe it replaces, -col /strategy alone, has serial as the base,
	// which has no sample at 2 workers: an empty comparison column.
	rows, cols, cells := benchstatCells(t, benchTxt(t, []int{1}), "*", "/strategy")
	if cols[0].StringValues() != "serial" || len(cells[[2]benchproc.Key{rows[len(rows)-1], cols[0]}]) != 0 {
		t.Errorf("the old recipe: columns %v, rows %v", cols, rows)
	}
}
