package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/strategies"
)

// writeStory writes report.md, the run told in one page from its numbers:
// the warnings first, then the machine and the method, the ranking of each
// scene at the largest worker count, and every chart written, each with a
// sentence computed from the data saying what it shows. summary.md keeps
// the full table. It runs after the charts, so that it embeds only those
// that exist.
func (r *report) writeStory(w io.Writer) error {
	e := &r.Env
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# mandel bench: %s, %s\n\n", e.Host, e.Started.UTC().Format("2006-01-02 15:04 UTC"))

	fmt.Fprint(bw, "## Warnings\n\n")
	warnings := r.warnings()
	if word, why := r.stamp(); word != "" {
		fmt.Fprintf(bw, "- **%s**: %s. Every chart carries the stamp; read its numbers as this machine's on this day, not as the strategies' own.\n", word, why)
	}
	for _, msg := range warnings {
		fmt.Fprintf(bw, "- %s\n", msg)
	}
	if word, _ := r.stamp(); word == "" && len(warnings) == 0 {
		fmt.Fprint(bw, "None: the sweep finished, the machine ran the workers in parallel and the runs were steady.\n")
	}

	fmt.Fprint(bw, "\n## Machine and method\n\n")
	fmt.Fprintf(bw, "%s, %d logical CPUs (effective parallelism %.2f of %d: the same loop on 1 and on %d goroutines), %s %s/%s, %s (kernel %s), commit %s. Render kernel: %s.\n\n",
		orUnknown(e.CPU), e.LogicalCPUs, e.Parallelism.Effective, e.Parallelism.Goroutines, e.Parallelism.Goroutines,
		e.GoVersion, e.GOOS, e.GOARCH, e.OS, e.Kernel, e.Commit, orUnknownKernel(e.RenderKernel))
	fmt.Fprint(bw, "Scenes: ")
	for i, sc := range e.Sweep.Scenes {
		if i > 0 {
			fmt.Fprint(bw, "; ")
		}
		fmt.Fprintf(bw, "%s %dx%d, maxiter %d (%.3g iterations)", sc.Name, sc.Width, sc.Height, sc.MaxIter, float64(sc.Iterations))
	}
	fmt.Fprintf(bw, ".\n\nEach configuration (scene, strategy, workers, grain) was timed (%s) after %d warm-up round(s), all configurations interleaved in a shuffled order (seed %d), "+
		"timing the render alone with GOMAXPROCS set to the worker count, every frame checked against serial's. "+
		"A configuration is its median run; its 95%% confidence interval is distribution-free (order statistics; none below 6 runs). "+
		"Speedup is median(serial) / median, its interval the widest the two medians' intervals allow. "+
		"Two configurations differ significantly when benchstat's test (Mann-Whitney U, no assumption on the distribution) gives p < %.2g.\n",
		r.runsWords(), e.Sweep.Warmup, e.Sweep.Seed, alpha)

	rks := r.rankings()
	fmt.Fprint(bw, "\n## Ranking per scene\n\n")
	fmt.Fprint(bw, "At each scene's largest worker count, fastest first; [rankings.md](rankings.md) has every worker count and [summary.md](summary.md) every number.\n")
	for _, rk := range atLargestWorkers(rks) {
		fmt.Fprintf(bw, "\n### %s, %d %s\n\n%s.\n\n", rk.Scene, rk.Workers, plural(rk.Workers, "worker"), rk.Headline())
		writeRankingTable(bw, rk)
	}

	if err := r.writePrefix(bw); err != nil {
		return err
	}

	fmt.Fprint(bw, "\n## Charts\n")
	for _, ch := range r.storyCharts() {
		if _, err := os.Stat(r.path(ch.file)); err != nil {
			continue
		}
		fmt.Fprintf(bw, "\n![%s](%s)\n\n%s\n", ch.alt, ch.file, ch.caption)
	}
	return bw.Flush()
}

func orUnknownKernel(k string) string {
	if k == "" {
		return "unknown"
	}
	return k
}

// warnings are the sweep's warnings: Result.Warnings, and env.json's
// where a Result was built without them.
func (r *report) warnings() []string {
	out := slices.Clone(r.Result.Warnings)
	for _, w := range r.Env.Warnings {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// storyChart is a chart of report.md with its caption.
type storyChart struct {
	file, alt, caption string
}

// storyCharts are the charts of report.md in reading order: the overview,
// then each scene's, then the costs and the model.
func (r *report) storyCharts() []storyChart {
	var out []storyChart
	rks := atLargestWorkers(r.rankings())
	out = append(out, storyChart{"charts/heatmap.png", "speedup by scene and strategy", r.heatmapCaption(rks)})
	for _, rk := range rks {
		sc := rk.Scene
		at := r.atWorkers(sc, rk.Workers)
		out = append(out,
			storyChart{"charts/speedup-" + sc + ".png", "speedup on " + sc, r.speedupCaption(rk)},
			storyChart{"charts/efficiency-" + sc + ".png", "efficiency on " + sc, efficiencyCaption(rk, at, len(r.Env.Sweep.Grains) > 1)},
			storyChart{"charts/busy-" + sc + ".png", "busy time per worker on " + sc, busyCaption(rk, at, len(r.Env.Sweep.Grains) > 1)},
			storyChart{"charts/times-" + sc + ".png", "run times on " + sc, timesCaption(rk, at, len(r.Env.Sweep.Grains) > 1)},
			storyChart{"charts/grain-" + sc + ".png", "speedup against grain on " + sc, grainCaption(rk, at)},
			storyChart{"charts/emulated-" + sc + ".png", "emulated speedup on " + sc, r.emulatedCaption(sc)},
		)
	}
	out = append(out,
		storyChart{"charts/claims.png", "cost of a claim and of each primitive", r.claimsCaption()},
		storyChart{"charts/model-vs-measured.png", "the model against the measurements", r.modelCaption()},
	)
	return out
}

// atWorkers is the summaries of a scene at a worker count.
func (r *report) atWorkers(scene string, workers int) []bench.Summary {
	var out []bench.Summary
	for _, s := range r.Summaries {
		if s.Scene == scene && s.Workers == workers {
			out = append(out, s)
		}
	}
	return out
}

func (r *report) heatmapCaption(rks []Ranking) string {
	var parts []string
	var worst struct {
		label, scene string
		sp           float64
	}
	worst.sp = math.Inf(1)
	for _, rk := range rks {
		best := rk.Entries[0]
		if best.Sum.Speedup == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s on %s (%.2fx)", best.Label, rk.Scene, *best.Sum.Speedup))
		last := rk.Entries[len(rk.Entries)-1]
		if last.Sum.Speedup != nil && *last.Sum.Speedup < worst.sp {
			worst.label, worst.scene, worst.sp = last.Label, rk.Scene, *last.Sum.Speedup
		}
	}
	if len(parts) == 0 {
		return "Speedup over serial of every strategy on every scene at the largest worker count."
	}
	s := "Speedup over serial at the largest worker count, each strategy at its best grain: the fastest is " + strings.Join(parts, ", ")
	if !math.IsInf(worst.sp, 1) {
		s += fmt.Sprintf("; the slowest is %s on %s (%.2fx)", worst.label, worst.scene, worst.sp)
	}
	return s + "."
}

func (r *report) speedupCaption(rk Ranking) string {
	best, last := rk.Entries[0], rk.Entries[len(rk.Entries)-1]
	if best.Sum.Speedup == nil {
		return fmt.Sprintf("Speedup against workers on %s (serial was not measured, so no speedup).", rk.Scene)
	}
	s := fmt.Sprintf("Speedup against workers on %s, bars the 95%% CI: at %d workers %s is fastest with %.2fx serial",
		rk.Scene, rk.Workers, best.Label, *best.Sum.Speedup)
	if len(rk.Entries) > 1 && last.Sum.Speedup != nil {
		s += fmt.Sprintf("; %s, the slowest, reaches %.2fx and loses %.0f%% against it (%s)", last.Label, *last.Sum.Speedup,
			100*(1-1/last.Ratio), sigWords(last.PBest, last.SigBest))
	}
	return s + "."
}

func efficiencyCaption(rk Ranking, at []bench.Summary, withGrain bool) string {
	lo, hi := extreme(at, func(s bench.Summary) (float64, bool) {
		if s.Efficiency == nil || s.Measured.Strategy == strategies.Serial {
			return 0, false
		}
		return *s.Efficiency, true
	})
	if lo == nil {
		return fmt.Sprintf("Parallel efficiency (speedup / workers) against workers on %s; 1 is perfect scaling.", rk.Scene)
	}
	return fmt.Sprintf("Parallel efficiency (speedup / workers) on %s, 1 being perfect scaling: at %d workers from %.2f (%s) to %.2f (%s).",
		rk.Scene, rk.Workers, *lo.Efficiency, bench.Label(*lo, withGrain), *hi.Efficiency, bench.Label(*hi, withGrain))
}

func busyCaption(rk Ranking, at []bench.Summary, withGrain bool) string {
	lo, hi := extreme(at, func(s bench.Summary) (float64, bool) { return s.Imbalance, s.Imbalance > 0 })
	if lo == nil {
		return fmt.Sprintf("Each worker's busy time in the median run at %d workers on %s.", rk.Workers, rk.Scene)
	}
	return fmt.Sprintf("Each worker's busy time in the median run at %d workers on %s, the black tick the run's wall time: the most imbalanced is %s (the busiest worker %.2fx the mean), the most balanced %s (%.2fx).",
		rk.Workers, rk.Scene, bench.Label(*hi, withGrain), hi.Imbalance, bench.Label(*lo, withGrain), lo.Imbalance)
}

func timesCaption(rk Ranking, at []bench.Summary, withGrain bool) string {
	lo, hi := extreme(at, func(s bench.Summary) (float64, bool) {
		if s.CV == nil {
			return 0, false
		}
		return *s.CV, true
	})
	if lo == nil {
		return fmt.Sprintf("The distribution of run times at %d workers on %s.", rk.Workers, rk.Scene)
	}
	noisy := 0
	for _, s := range at {
		if s.Noisy {
			noisy++
		}
	}
	return fmt.Sprintf("The distribution of run times at %d workers on %s: the widest spread is %s (CV %.1f%%), the narrowest %s (%.1f%%); %d of %d configurations have CV above 5%%.",
		rk.Workers, rk.Scene, bench.Label(*hi, withGrain), 100**hi.CV, bench.Label(*lo, withGrain), 100**lo.CV, noisy, len(at))
}

func grainCaption(rk Ranking, at []bench.Summary) string {
	best := map[string]bench.Summary{}
	for _, s := range at {
		if !s.UsesGrain || s.Speedup == nil {
			continue
		}
		if b, ok := best[s.Strategy]; !ok || *s.Speedup > *b.Speedup {
			best[s.Strategy] = s
		}
	}
	count := map[int]int{}
	for _, s := range best {
		count[s.Grain]++
	}
	if len(count) == 0 {
		return "Speedup against grain."
	}
	grains := make([]int, 0, len(count))
	for g := range count {
		grains = append(grains, g)
	}
	sort.Slice(grains, func(i, j int) bool {
		return count[grains[i]] > count[grains[j]] || count[grains[i]] == count[grains[j]] && grains[i] < grains[j]
	})
	g := grains[0]
	return fmt.Sprintf("Speedup against grain (rows per claim) at %d workers on %s, bars the 95%% CI: the best grain is %d for %d of the %d strategies that have one.",
		rk.Workers, rk.Scene, g, count[g], len(best))
}

func (r *report) emulatedCaption(scene string) string {
	i := slices.IndexFunc(r.Scenes, func(sr *bench.SceneResult) bool { return sr.Name == scene })
	if i < 0 || len(r.Scenes[i].Emulated) == 0 {
		return ""
	}
	var best *bench.SceneResult = r.Scenes[i]
	maxW, top, who := 0, 0.0, ""
	for _, e := range best.Emulated {
		maxW = max(maxW, e.Workers)
	}
	for _, e := range best.Emulated {
		if e.Workers == maxW && e.Serial/e.Measured > top {
			top, who = e.Serial/e.Measured, e.Strategy.Name()
		}
	}
	return fmt.Sprintf("The real strategies on tasks that sleep each row's measured cost, emulating up to %d cores on %s, against the model (dashed): at %d workers %s reaches %.1fx. A prediction, not a measurement of %d cores.",
		maxW, scene, maxW, who, top, maxW)
}

func (r *report) claimsCaption() string {
	m := &r.Machine
	lo, hi := math.Inf(1), 0.0
	var loName, hiName string
	for _, st := range r.Strategies {
		if c, ok := m.Claim(st); ok && c.One > 0 {
			if c.One < lo {
				lo, loName = c.One, st.Name()
			}
			if c.One > hi {
				hi, hiName = c.One, st.Name()
			}
		}
	}
	if loName == "" {
		return "The cost of one claim per strategy and of one operation per primitive."
	}
	s := fmt.Sprintf("The cost of one claim per strategy and of one operation per primitive, log scale: at GOMAXPROCS 1 a claim costs from %.0f ns (%s) to %.0f ns (%s)",
		lo*1e9, loName, hi*1e9, hiName)
	for _, p := range m.Primitives {
		if p.Name == "atomic-add" {
			s += fmt.Sprintf("; an atomic add costs %.1f ns", p.One*1e9)
		}
	}
	return s + "."
}

func (r *report) modelCaption() string {
	vs, err := r.validation()
	if err != nil || len(vs) == 0 {
		return ""
	}
	var all, par []float64
	for _, v := range vs {
		all = append(all, math.Abs(v.Err()))
		if v.Workers >= 2 {
			par = append(par, math.Abs(v.Err()))
		}
	}
	s := fmt.Sprintf("The model's predicted time against the measured median for all %d configurations measured: the median error is %.0f%%", len(all), 100*medianOf(all))
	if len(par) > 0 {
		s += fmt.Sprintf(" (%.0f%% from 2 workers)", 100*medianOf(par))
	}
	return s + "; points on the dashed line are exact predictions, between the dotted ones within 10%."
}

func medianOf(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// extreme returns the summaries of at with the least and the greatest
// value of f, among those where it has one; nil, nil for none.
func extreme(at []bench.Summary, f func(bench.Summary) (float64, bool)) (lo, hi *bench.Summary) {
	var lv, hv float64
	for i := range at {
		v, ok := f(at[i])
		if !ok {
			continue
		}
		if lo == nil || v < lv {
			lo, lv = &at[i], v
		}
		if hi == nil || v > hv {
			hi, hv = &at[i], v
		}
	}
	return lo, hi
}
