package report

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/mandel-project/mandel/bench"
)

// The benchstat recipe that README.md and `mandel bench --help` give. Serial
// is left out because it exists only at one worker: as benchstat's base
// column (the first) it would leave "vs base" empty at every other worker
// count. Strategies without a grain are recorded at grain 1 only, so the
// filter keeps grain 1 (or no grain key at all, when one grain was
// measured) for the same reason. The base is then the first strategy of
// the sweep after serial.
const (
	BenchstatFilter = `-/strategy:serial /grain:(1 OR "")`
	BenchstatCol    = "/strategy"
)

// BenchstatCommand is the recipe's command line for the bench.txt at path.
func BenchstatCommand(path string) string {
	return fmt.Sprintf("benchstat -filter '%s' -col %s %s", BenchstatFilter, BenchstatCol, path)
}

// alpha is the significance level of the comparisons: benchstat's.
var alpha = benchmath.DefaultThresholds.CompareAlpha

// Ranking is the configurations of one scene at one worker count, fastest
// first.
type Ranking struct {
	Scene   string
	Workers int
	Entries []Ranked
}

// Ranked is one configuration in a Ranking.
type Ranked struct {
	// Label is the strategy, with its grain when the sweep measured several.
	Label string
	Sum   bench.Summary
	// Ratio is this median over the fastest's: 1 for the first, 1.94 for
	// one that took 94% longer.
	Ratio float64
	// PPrev is the p-value of the Mann-Whitney U test (benchmath's
	// AssumeNothing, as benchstat uses) of this configuration's run times
	// against those of the one ranked just above, and PBest against the
	// fastest's; both NaN for the first. SigPrev and SigBest say whether
	// they are below alpha.
	PPrev, PBest     float64
	SigPrev, SigBest bool
}

// Rankings ranks, for each scene and worker count, every configuration
// measured by its median run time, in scene order and then by workers.
func Rankings(sums []bench.Summary, withGrain bool) []Ranking {
	var out []Ranking
	for _, s := range sums {
		if s.Measured == nil || s.Runs == 0 {
			continue
		}
		i := slices.IndexFunc(out, func(r Ranking) bool { return r.Scene == s.Scene && r.Workers == s.Workers })
		if i < 0 {
			out = append(out, Ranking{Scene: s.Scene, Workers: s.Workers})
			i = len(out) - 1
		}
		out[i].Entries = append(out[i].Entries, Ranked{Label: bench.Label(s, withGrain), Sum: s})
	}
	sceneOrder := func(name string) int {
		return slices.IndexFunc(sums, func(s bench.Summary) bool { return s.Scene == name })
	}
	slices.SortStableFunc(out, func(a, b Ranking) int {
		return cmp.Or(cmp.Compare(sceneOrder(a.Scene), sceneOrder(b.Scene)), cmp.Compare(a.Workers, b.Workers))
	})
	for i := range out {
		es := out[i].Entries
		slices.SortStableFunc(es, func(a, b Ranked) int { return cmp.Compare(a.Sum.MedianS, b.Sum.MedianS) })
		best := es[0]
		for j := range es {
			es[j].Ratio = es[j].Sum.MedianS / best.Sum.MedianS
			es[j].PPrev, es[j].PBest = math.NaN(), math.NaN()
			if j > 0 {
				es[j].PPrev, es[j].SigPrev = Compare(bench.Walls(es[j-1].Sum.Measured.Samples), bench.Walls(es[j].Sum.Measured.Samples))
				es[j].PBest, es[j].SigBest = Compare(bench.Walls(best.Sum.Measured.Samples), bench.Walls(es[j].Sum.Measured.Samples))
			}
		}
	}
	return out
}

// Compare tests whether samples a and b come from the same distribution
// with benchstat's test (Mann-Whitney U, no assumption on the
// distribution) and returns the p-value and whether it is below alpha.
// With fewer than 4 runs on each side no difference can be significant
// at 0.05, however large.
func Compare(a, b []float64) (p float64, significant bool) {
	sa := benchmath.NewSample(slices.Clone(a), &benchmath.DefaultThresholds) // NewSample sorts in place
	sb := benchmath.NewSample(slices.Clone(b), &benchmath.DefaultThresholds)
	c := benchmath.AssumeNothing.Compare(sa, sb)
	return c.P, c.P < c.Alpha
}

// FormatP writes a p-value as a reader expects it: p<0.001 when tiny.
func FormatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "-"
	case p < 0.001:
		return "p<0.001"
	}
	return fmt.Sprintf("p=%.3f", p)
}

// Headline says in one line who won a ranking, by how much over the
// runner-up and the slowest, and whether those differences are
// significant:
//
//	tophalf 2w: steal fastest (2.51 ms), 1.03x ahead of atomic (p=0.310, not significant), 1.94x ahead of bands, the slowest (p<0.001)
func (rk Ranking) Headline() string {
	es := rk.Entries
	var b strings.Builder
	fmt.Fprintf(&b, "%s %dw: %s fastest (%s)", rk.Scene, rk.Workers, es[0].Label, bench.FormatSeconds(es[0].Sum.MedianS))
	if len(es) == 1 {
		return b.String()
	}
	fmt.Fprintf(&b, ", %.2fx ahead of %s (%s)", es[1].Ratio, es[1].Label, sigWords(es[1].PPrev, es[1].SigPrev))
	if last := es[len(es)-1]; len(es) > 2 {
		fmt.Fprintf(&b, ", %.2fx ahead of %s, the slowest (%s)", last.Ratio, last.Label, sigWords(last.PBest, last.SigBest))
	}
	return b.String()
}

func sigWords(p float64, sig bool) string {
	if sig {
		return FormatP(p)
	}
	return FormatP(p) + ", not significant"
}

// Headlines are the headlines of every scene at the largest worker count
// measured, for the end of `mandel bench`.
func Headlines(res *bench.Result) []string {
	var out []string
	for _, rk := range atLargestWorkers(Rankings(res.Summaries, len(res.Env.Sweep.Grains) > 1)) {
		out = append(out, rk.Headline())
	}
	return out
}

// atLargestWorkers keeps each scene's ranking at its largest worker count.
func atLargestWorkers(rks []Ranking) []Ranking {
	var out []Ranking
	for _, rk := range rks {
		if i := slices.IndexFunc(out, func(o Ranking) bool { return o.Scene == rk.Scene }); i >= 0 {
			if rk.Workers > out[i].Workers {
				out[i] = rk
			}
			continue
		}
		out = append(out, rk)
	}
	return out
}

var rankingsHeader = []string{"scene", "workers", "rank", "strategy", "grain", "runs", "median_s", "ci_low_s", "ci_high_s",
	"ratio_to_best", "p_vs_previous", "significant_vs_previous", "p_vs_best", "significant_vs_best"}

// writeRankingsCSV writes rankings.csv: every ranking, one row per
// configuration, p-values empty for the first of each.
func writeRankingsCSV(w io.Writer, rks []Ranking) error {
	cw := csv.NewWriter(w)
	cw.Write(rankingsHeader)
	pcell := func(p float64) string {
		if math.IsNaN(p) {
			return ""
		}
		return num(p)
	}
	for _, rk := range rks {
		for i, e := range rk.Entries {
			grain := ""
			if e.Sum.UsesGrain {
				grain = strconv.Itoa(e.Sum.Grain)
			}
			sigPrev, sigBest := "", ""
			if i > 0 {
				sigPrev, sigBest = strconv.FormatBool(e.SigPrev), strconv.FormatBool(e.SigBest)
			}
			cw.Write([]string{rk.Scene, strconv.Itoa(rk.Workers), strconv.Itoa(i + 1), e.Sum.Strategy, grain,
				strconv.Itoa(e.Sum.Runs), num(e.Sum.MedianS), numPtr(e.Sum.CILowS), numPtr(e.Sum.CIHighS),
				num(e.Ratio), pcell(e.PPrev), sigPrev, pcell(e.PBest), sigBest})
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeRankingsMarkdown writes rankings.md: a table per scene and worker
// count.
func writeRankingsMarkdown(w io.Writer, rks []Ranking) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "# Rankings\n\n")
	fmt.Fprintf(bw, "For each scene and worker count, every configuration by median run time, fastest first. "+
		"\"x best\" is the median over the fastest's. The p-values are of benchstat's test (Mann-Whitney U, "+
		"no assumption on the distribution of the run times) against the configuration ranked just above and against the fastest; "+
		"a difference is significant below %.2g, and a tie (~) is not evidence of equality: with fewer than 4 runs on each side nothing can be significant.\n", alpha)
	for _, rk := range rks {
		fmt.Fprintf(bw, "\n## %s, %d %s\n\n", rk.Scene, rk.Workers, plural(rk.Workers, "worker"))
		writeRankingTable(bw, rk)
	}
	return bw.Flush()
}

// writeRankingTable writes one ranking as a Markdown table.
func writeRankingTable(w io.Writer, rk Ranking) {
	fmt.Fprint(w, "| rank | strategy | median | 95% CI of median | x best | vs the one above | vs the fastest |\n")
	fmt.Fprint(w, "|--:|---|--:|--:|--:|---|---|\n")
	for i, e := range rk.Entries {
		ci := "n/a"
		if e.Sum.CILowS != nil {
			ci = bench.FormatSeconds(*e.Sum.CILowS) + " - " + bench.FormatSeconds(*e.Sum.CIHighS)
		}
		prev, best := "", ""
		if i > 0 {
			prev, best = verdict(e.PPrev, e.SigPrev), verdict(e.PBest, e.SigBest)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %.2f | %s | %s |\n", i+1, e.Label, bench.FormatSeconds(e.Sum.MedianS), ci, e.Ratio, prev, best)
	}
}

// verdict is a comparison's cell: slower, or ~ when not significant.
func verdict(p float64, sig bool) string {
	if sig {
		return "slower (" + FormatP(p) + ")"
	}
	return "~ (" + FormatP(p) + ")"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
