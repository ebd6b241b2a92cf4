package model

import (
	"maps"
	"slices"

	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/strategies"
)

// Machine is what the model is told about the machine besides the
// rows' costs, all measured on it by the sweep: each strategy's claim, the
// primitives claims are made of, and how long an idle core takes to wake.
type Machine struct {
	// Claims are the strategies' claims, Primitives the primitives'.
	Claims     []ClaimCost
	Primitives []PrimitiveCost
	// Wake is the median delay before an idle core starts a goroutine, in
	// seconds; 0 where it was not measured (one CPU).
	Wake float64
}

// Params returns the model's parameters for st at workers and grain.
func (m *Machine) Params(st strategies.Strategy, workers, grain int) Params {
	return Params{Workers: workers, Grain: grain, Overhead: m.Overheads()[st], Wake: m.Wake}
}

// Overheads returns the overheads the model uses: Overheads with
// each claim cost replaced by the one measured on this machine at one
// worker for its ClaimSource, where there is one, and the probes of the
// strategies that probe (steal) by steal-empty and steal-success. One worker's figure is the uncontended
// cost; contention is the model's to add (Overhead.Shared), so the figure
// at two workers is recorded, not used.
func (m *Machine) Overheads() map[strategies.Strategy]Overhead {
	out := maps.Clone(Overheads)
	for st, o := range out {
		if c, ok := m.Claim(ClaimSource(st)); ok {
			o.Claim = c.One
		}
		if o.StealEmpty != 0 || o.StealSuccess != 0 {
			for _, p := range m.Primitives {
				switch p.Name {
				case "steal-empty":
					o.StealEmpty = p.One
				case "steal-success":
					o.StealSuccess = p.One
				}
			}
		}
		out[st] = o
	}
	return out
}

// Claim returns the claim cost measured for st, if it was.
func (m *Machine) Claim(st strategies.Strategy) (ClaimCost, bool) {
	i := slices.IndexFunc(m.Claims, func(c ClaimCost) bool { return c.Strategy == st })
	if i < 0 {
		return ClaimCost{}, false
	}
	return m.Claims[i], true
}

// ClaimSource is the strategy whose measured claim cost the model charges
// st: the one its rule names (strategies.Simulated.ClaimsLike), or st.
func ClaimSource(st strategies.Strategy) strategies.Strategy {
	if ss, ok := st.(strategies.Simulated); ok {
		return ss.ClaimsLike()
	}
	return st
}

// OverheadSource says where the model's claim cost of st comes from, for
// overheads.csv.
func (m *Machine) OverheadSource(st strategies.Strategy) string {
	src := ClaimSource(st)
	switch _, ok := m.Claim(src); {
	case !ok:
		return "constant (model.Overheads)"
	case src != st:
		return src.Name() + "'s, measured at 1 worker"
	}
	return "measured at 1 worker"
}

// ClaimCost is one strategy's measured overhead per claim, in seconds, at
// one worker and at two (GOMAXPROCS set to match): a run's wall time over
// its claims, so a strategy whose claims proceed in parallel halves at two
// workers, and one whose claims serialize does not.
type ClaimCost struct {
	Strategy strategies.Strategy
	One, Two float64
}

// PrimitiveCost is one of strategies.Primitives timed on this machine: the
// median time per operation, in seconds, with GOMAXPROCS 1 and 2 (a
// hand-over between goroutines can run on both cores at 2).
type PrimitiveCost struct {
	Name     string
	One, Two float64
}

// ScaledMedians returns each row's median over passes (passes[p][y] is
// row y's time in pass p), scaled so that the rows sum to the median of the
// passes' totals. Medians alone would be too cheap: a row's time is skewed
// (a cache miss, an interrupt or the hypervisor make it slower, never
// faster), so the median of a few is below its mean, and on the development
// VM the medians of all rows summed to 6-7% less than a pass took, while the
// passes' totals matched a serial render's time. The scale is measured from
// the same passes, not fitted to the runs the model is compared with.
func ScaledMedians(passes [][]float64) []float64 {
	if len(passes) == 0 {
		return nil
	}
	n := len(passes[0])
	medians := make([]float64, n)
	col := make([]float64, len(passes))
	var sum float64
	for y := range n {
		for p := range passes {
			col[p] = passes[p][y]
		}
		medians[y] = stats.Median(col)
		sum += medians[y]
	}
	totals := make([]float64, len(passes))
	for p, pass := range passes {
		for _, c := range pass {
			totals[p] += c
		}
	}
	if sum > 0 {
		k := stats.Median(totals) / sum
		for y := range medians {
			medians[y] *= k
		}
	}
	return medians
}
