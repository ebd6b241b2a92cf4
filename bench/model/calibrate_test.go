package model

import (
	"maps"
	"math"
	"testing"

	"github.com/mandel-project/mandel/strategies"
)

// TestModelOverheads checks that measured claim costs replace the
// constants, that guided takes atomic's, that steal's probes take the
// measured primitives, and that what was not measured (a strategy, the
// Shared flag) keeps the constant.
func TestModelOverheads(t *testing.T) {
	m := Machine{
		Claims:     []ClaimCost{{strategies.Atomic, 7e-9, 9e-9}, {strategies.Steal, 11e-9, 13e-9}, {strategies.Guided, 1e-3, 1e-3}},
		Primitives: []PrimitiveCost{{"steal-empty", 3e-9, 4e-9}, {"steal-success", 5e-9, 6e-9}, {"mutex", 1, 1}},
		Wake:       2e-6,
	}
	got := m.Overheads()
	want := maps.Clone(Overheads)
	want[strategies.Atomic] = Overhead{Claim: 7e-9, Shared: true}
	want[strategies.Guided] = Overhead{Claim: 7e-9, Shared: true}
	want[strategies.Steal] = Overhead{Claim: 11e-9, StealEmpty: 3e-9, StealSuccess: 5e-9}
	for st, w := range want {
		if got[st] != w {
			t.Errorf("%s: %+v, want %+v", st.Name(), got[st], w)
		}
	}
	if p := m.Params(strategies.Steal, 4, 2); p != (Params{Workers: 4, Grain: 2, Overhead: want[strategies.Steal], Wake: 2e-6}) {
		t.Errorf("params: %+v", p)
	}
	for st, src := range map[strategies.Strategy]string{
		strategies.Atomic: "measured at 1 worker",
		strategies.Guided: "atomic's, measured at 1 worker",
		strategies.Mutex:  "constant (model.Overheads)",
	} {
		if got := m.OverheadSource(st); got != src {
			t.Errorf("%s: source %q, want %q", st.Name(), got, src)
		}
	}
}

// TestScaledMedians checks the row costs on hand-computed passes: each
// row's median gives the shape, the median pass total the level.
func TestScaledMedians(t *testing.T) {
	passes := [][]float64{{1, 2}, {1, 4}, {3, 2}} // totals 3, 5, 5; medians 1, 2
	got := ScaledMedians(passes)
	want := []float64{5.0 / 3, 10.0 / 3}
	if len(got) != len(want) {
		t.Fatalf("scaledMedians: %v, want %v", got, want)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("scaledMedians: %v, want %v", got, want)
		}
	}
	if got := ScaledMedians([][]float64{{0, 0}}); got[0] != 0 || got[1] != 0 {
		t.Errorf("scaledMedians of zero costs: %v, want zeros", got)
	}
	if got := ScaledMedians(nil); got != nil {
		t.Errorf("ScaledMedians(nil) = %v, want nil", got)
	}
}
