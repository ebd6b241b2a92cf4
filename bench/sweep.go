package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	rtrace "runtime/trace"
	"slices"
	"strings"
	"time"

	"github.com/mandel-project/mandel/bench/model"
	"github.com/mandel-project/mandel/bench/stats"
	"github.com/mandel-project/mandel/pipeline"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// sweep is the state of one Run.
type sweep struct {
	cfg     Config
	plan    *plan
	env     Env
	scenes  []*sceneRun
	configs []*config
	// writeErrs are the errors writing the files written during the sweep.
	writeErrs []error
	runsDone  int
	runs      *runsLog
	progress  *Progress
	// measured is what the model is told about the machine; wakes are
	// the idle core's wake-ups timed so far (see timeRows), until
	// settleRowCosts gives measured their median.
	measured model.Machine
	wakes    []float64
}

// Run performs the sweep that cfg describes and returns what it measured;
// the caller then calls report.Write (package bench/report) for the files
// derived from it. Run itself writes into cfg.Out only what must be written
// while measuring: runs.csv, a row per timed run as soon as it is made, so
// that a sweep that is killed loses nothing it measured; env.json, marked
// unfinished until the report replaces it; the pictures of the reference
// frames and schedules, drawn when the frame is the one they show; and
// emulated.csv.
//
// A *ConfigError means that cfg was invalid, or its output directory
// unusable as given, and nothing was done; an output directory that cannot
// be created or written is an ordinary error. Otherwise the Result is not
// nil, even with an error. When ctx is cancelled the run in progress
// completes (a run is not interrupted, so that its time is not skewed),
// the sweep stops, and the error wraps ctx.Err(); the Result holds what was
// measured so far, marked partial. A frame that differs from the serial
// reference stops the sweep with an error naming the configuration.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	p, err := cfg.plan()
	if err != nil {
		return nil, err
	}
	release, err := prepareOut(cfg.Out)
	if err != nil {
		return nil, err
	}
	defer release()
	if cfg.Seed == 0 {
		cfg.Seed = uint64(time.Now().UnixNano())
	}
	s := &sweep{cfg: cfg, plan: p}
	s.env.Warnings = []string{}
	defer restoreGOMAXPROCS(runtime.GOMAXPROCS(0))

	s.env.Started = time.Now()
	s.env.Args = cfg.Args
	machine(&s.env, cfg.Commit)
	s.env.RenderKernel = p.kernelName
	s.progress = newProgress(cfg.Progress)
	defer s.progress.Done()

	// Until the report, env.json says the sweep is unfinished, so that a sweep
	// killed outright leaves a folder that does not look complete.
	s.env.Partial, s.env.Error = true, "unfinished: the sweep was running (or was killed) when this was written"
	runErr := s.measure(ctx)
	s.writeErrs = append(s.writeErrs, s.runs.close())
	s.env.Partial, s.env.Error = runErr != nil, ""
	if runErr != nil {
		s.env.Error = runErr.Error()
	}
	s.env.Finished = time.Now()
	s.env.DurationS = s.env.Finished.Sub(s.env.Started).Seconds()
	s.env.Sweep.RunsDone = s.runsDone
	sums := s.summarize()
	s.sceneInfo() // with the scenes' reference times
	s.warnRuns(sums)
	res := &Result{
		Dir: cfg.Out, Env: s.env, Summaries: sums, Table: markdownTable(sums), Warnings: slices.Clone(s.env.Warnings),
		Strategies: serialFirst(p.strategies), Simulate: p.simulate, Machine: s.measured,
		WriteErrs: s.writeErrs, Progress: s.progress,
	}
	// The frames are not needed any more: the Result keeps none of them,
	// so that they are freed before the report draws.
	for _, sr := range s.scenes {
		res.Scenes = append(res.Scenes, sr.SceneResult)
	}
	for _, c := range s.configs {
		res.Configs = append(res.Configs, c.Configuration)
	}
	return res, runErr
}

// restoreGOMAXPROCS sets GOMAXPROCS back to prev after the sweep set its
// own. When prev was the runtime's default, the default is restored as
// such, so that GOMAXPROCS follows the machine's CPU limits again (an
// explicit value would freeze it).
func restoreGOMAXPROCS(prev int) {
	runtime.SetDefaultGOMAXPROCS()
	if runtime.GOMAXPROCS(0) != prev {
		runtime.GOMAXPROCS(prev)
	}
}

// measure runs the phases of the sweep in order: the parallelism probe, the
// serial references, the traced runs, then the warm-up and timed rounds.
func (s *sweep) measure(ctx context.Context) error {
	s.describeSweep()
	if err := WriteJSON(s.path("env.json"), &s.env); err != nil {
		return err
	}
	// Before anything can stop the sweep, so that every folder it leaves,
	// one interrupted while sizing included, has runs.csv, if only its
	// header: the file a reader (or a script) opens first.
	var err error
	if s.runs, err = newRunsLog(s.path("runs.csv")); err != nil {
		return err
	}
	loop := s.cfg.ProbeLoop
	if loop == 0 {
		loop = defaultProbeLoop
	}
	s.progress.Phase("probing parallelism")
	s.env.Parallelism = probeParallelism(runtime.NumCPU(), loop)
	if pp := s.env.Parallelism; pp.Low {
		s.warn("effective parallelism is %.2f on %d logical CPUs (below %.0f%%): the machine is shared, throttled or oversubscribed, and speedups measured here understate the strategies",
			pp.Effective, pp.Goroutines, 100*lowParallelism)
	}
	if maxW := s.plan.workers[len(s.plan.workers)-1]; maxW > runtime.NumCPU() {
		s.warn("%d workers is more than the %d logical CPUs: those runs are oversubscribed", maxW, runtime.NumCPU())
	}
	if err := ctx.Err(); err != nil {
		return s.interrupted(err)
	}
	if err := s.scaleScenes(ctx); err != nil {
		return err
	}
	if err := s.references(ctx); err != nil {
		return err
	}
	// Again, with the sizes chosen and the references' hashes, so that a
	// sweep killed from here on still says what it measured.
	if err := WriteJSON(s.path("env.json"), &s.env); err != nil {
		return err
	}
	if err := s.traced(ctx); err != nil {
		return err
	}
	if err := s.measureMachine(ctx); err != nil {
		return err
	}
	err = s.rounds(ctx)
	s.settleRowCosts()
	if err != nil {
		return err
	}
	return s.emulate(ctx)
}

// describeSweep builds the configurations and records them in env.
func (s *sweep) describeSweep() {
	info := &s.env.Sweep
	for _, sc := range s.plan.scenes {
		sr := &sceneRun{SceneResult: &SceneResult{Scene: sc}, baseW: sc.View.Width, baseH: sc.View.Height}
		s.scenes = append(s.scenes, sr)
		// The baseline first: serial at one worker, in every sweep.
		s.configs = append(s.configs, newConfig(sr, strategies.Serial, 1, 1))
		for _, st := range s.plan.strategies {
			if st == strategies.Serial {
				continue
			}
			grains := []int{1}
			if st.UsesGrain() {
				grains = s.plan.grains
			}
			for _, w := range s.plan.workers {
				for _, g := range grains {
					s.configs = append(s.configs, newConfig(sr, st, w, g))
				}
			}
		}
	}
	for _, st := range s.plan.strategies {
		info.Strategies = append(info.Strategies, st.Name())
	}
	info.Workers, info.Grains = s.plan.workers, s.plan.grains
	info.Reps, info.Warmup, info.Seed = s.cfg.Reps, s.cfg.Warmup, s.cfg.Seed
	info.Shortcuts = s.cfg.Shortcuts
	if s.cfg.scalesScenes() {
		info.TargetTimeS = serialTarget(s.cfg.TargetTime, s.plan.workers[len(s.plan.workers)-1]).Seconds()
	}
	info.MinTimeS, info.MaxTimeS = s.cfg.MinTime.Seconds(), s.cfg.MaxTime.Seconds()
	info.CIGoal, info.ShortRunS = CIGoal, MinParallelRun.Seconds()
	info.Configs = len(s.configs)
	info.RunsPlanned = len(s.configs) * s.cfg.Reps
	s.sceneInfo()
}

// sceneInfo records the scenes, with their references once known.
func (s *sweep) sceneInfo() {
	s.env.Sweep.Scenes = s.env.Sweep.Scenes[:0]
	for _, sr := range s.scenes {
		v := sr.View
		d := v.Decimals()
		si := SceneInfo{Name: sr.Name, Width: v.Width, Height: v.Height, MaxIter: v.MaxIter,
			Center: [2]float64{real(v.Center), imag(v.Center)}, Scale: v.Scale, Iterations: sr.Work,
			CenterText: d.Re.String() + "," + d.Im.String(), ScaleText: d.Scale.String()}
		if sr.rendered != nil { // the reference was rendered (a deep scene's r is nil while a run makes its own)
			si.Hash = fmt.Sprintf("%016x", sr.hash)
		}
		si.BaseWidth, si.BaseHeight, si.SerialS = sr.baseW, sr.baseH, sr.calibratedS
		si.Method, si.CalibratedReferenceS, si.ReferenceS = render.MethodDirect.String(), sr.calibratedRefS, sr.ReferenceS
		if m, err := render.MethodAuto.Resolve(v); err == nil && m == render.MethodPerturb {
			si.Method = m.String()
		}
		s.env.Sweep.Scenes = append(s.env.Sweep.Scenes, si)
	}
}

// references renders every scene once, directly with the render package
// rather than through a strategy, and keeps its hash and work: the truth
// every run is checked against. It draws the scene's pictures meanwhile,
// from the frame while it is the reference.
func (s *sweep) references(ctx context.Context) error {
	for _, sr := range s.scenes {
		if err := ctx.Err(); err != nil {
			return s.interrupted(err)
		}
		s.progress.Phase("rendering the reference of " + sr.Name)
		r, err := s.newRenderer(sr.View)
		if err != nil {
			return fmt.Errorf("bench: scene %s: %w", sr.Name, err)
		}
		sr.r = r
		sr.Perturbs = r.Method() == render.MethodPerturb
		sr.rendered = make([]uint32, r.Units())
		sr.Work = r.RenderUnits(0, r.Units())
		sr.hash = frameHash(r.Frame())
		s.scenePictures(sr)
	}
	s.sceneInfo()
	return nil
}

// traced runs every strategy once per scene at the largest worker count
// with tracing on, untimed, for the schedule maps and timelines. Being
// checked like every run, it also catches a wrong strategy before the long
// part of the sweep. The schedule map is drawn at once, while the checked
// frame equals the reference.
func (s *sweep) traced(ctx context.Context) error {
	maxW := s.plan.workers[len(s.plan.workers)-1]
	for _, c := range s.configs {
		if c.Workers != maxW && c.Strategy != strategies.Serial { // serial runs at 1 only
			continue
		}
		if c.Strategy.UsesGrain() && c.Grain != s.plan.grains[0] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return s.interrupted(err)
		}
		s.progress.Phase("tracing " + c.String())
		_, _, rep, err := s.runOnce(c, true, "traced run")
		if err != nil {
			return err
		}
		c.Trace = rep
		s.schedulePicture(c, rep)
	}
	return nil
}

// order returns, for each round, the order in which to run the n
// configurations: every round runs each exactly once, shuffled with a
// generator seeded by seed, so that slow drift in the machine's speed (heat,
// other load) spreads over all configurations alike instead of biasing
// those measured last, and so that no configuration always follows the
// same one. The same seed gives the same order.
func order(n, rounds int, seed uint64) [][]int {
	rng := rand.New(rand.NewPCG(seed, 0x6d616e64656c)) // "mandel"
	out := make([][]int, rounds)
	for r := range out {
		out[r] = rng.Perm(n)
	}
	return out
}

// rounds runs the warm-up rounds, the timed ones, and then the extra
// rounds that Config.MinTime and MaxTime ask for.
func (s *sweep) rounds(ctx context.Context) error {
	total := (s.cfg.Warmup + s.cfg.Reps) * len(s.configs)
	s.progress.start(total)
	for round, idx := range order(len(s.configs), s.cfg.Warmup+s.cfg.Reps, s.cfg.Seed) {
		timed := round >= s.cfg.Warmup
		for _, i := range idx {
			if err := ctx.Err(); err != nil {
				return s.interrupted(err)
			}
			c := s.configs[i]
			s.progress.run(c, round, s.cfg.Warmup, s.cfg.Reps)
			if timed {
				if err := s.timedRun(c); err != nil {
					return err
				}
			} else if _, _, _, err := s.runOnce(c, false, "warm-up run"); err != nil {
				return err
			}
		}
		if timed {
			for range s.rowPassesPerRound() {
				if err := s.timeRows(ctx); err != nil {
					return err
				}
			}
		}
	}
	rule := s.cfg.stopRule()
	need := func(i int) bool {
		c := s.configs[i]
		return rule.more(Walls(c.Samples), c.Spent)
	}
	planned := func(k int) { s.progress.total += k }
	run := func(i int) error {
		c := s.configs[i]
		s.progress.run(c, s.cfg.Warmup+len(c.Samples), s.cfg.Warmup, s.cfg.Reps)
		return s.timedRun(c)
	}
	var err error
	s.env.Sweep.ExtraRounds, err = extraRounds(ctx, len(s.configs), s.cfg.Seed, need, planned, run)
	if ctx.Err() != nil {
		return s.interrupted(ctx.Err())
	}
	return err
}

// timedRun makes one timed run of c and records it.
func (s *sweep) timedRun(c *config) error {
	t0 := time.Now()
	wall, ref, rep, err := s.runOnce(c, false, fmt.Sprintf("timed run %d", len(c.Samples)+1))
	c.Spent += time.Since(t0)
	if err != nil {
		return err
	}
	smp := Sample{Seq: s.runsDone, Round: len(c.Samples), Wall: wall, Reference: ref, Report: rep}
	c.Samples = append(c.Samples, smp)
	s.runsDone++
	if err := s.runs.add(c, smp); err != nil {
		return err
	}
	if s.cfg.AfterRun != nil {
		s.cfg.AfterRun(s.runsDone)
	}
	return nil
}

// runOnce runs c once and checks it, and returns its wall time and, for a
// scene that perturbs, the reference orbit's part of it. Only
// strategy.Run is timed, and for a scene that perturbs the renderer's
// making before it: its reference orbit and BLA table are the render's
// serial part, which a run that reused them would leave out (a render
// computes them every time). The frame and the row counts are cleared
// and the garbage collector run before, so that a strategy that skips
// rows leaves zeros that the checks see and so that no collection owed
// to earlier runs lands inside this one; GOMAXPROCS is set to the worker
// count. The strategy runs with a context that is
// never cancelled: a run is measured whole or not at all. While a Go
// execution trace runs (--trace), the run is a trace task named by its
// configuration (scene, strategy, workers, grain), with kind logged in it
// ("timed run 3"), around the pipeline's task of the strategy's blocks.
//
// The checks, in order: every row was rendered exactly once by the time Run
// returned (a row finished later would be missing from the time, and might
// still be in the frame when it is hashed), the frame is serial's, and the
// strategy's report counts every row and iteration once.
func (s *sweep) runOnce(c *config, trace bool, kind string) (wall, ref time.Duration, _ *strategies.Report, _ error) {
	ctx := context.Background()
	if rtrace.IsEnabled() {
		var task *rtrace.Task
		ctx, task = rtrace.NewTask(ctx, c.String())
		defer task.End()
		rtrace.Log(ctx, "run", kind)
	}
	perturbs := c.scene.Perturbs
	if perturbs {
		// The last run's renderer goes before this one's is made, so that
		// the collection below frees its frame and BLA table.
		c.scene.r = nil
	} else {
		f := c.scene.r.Frame()
		clear(f.Iter)
		clear(f.Mag2)
	}
	rendered := c.scene.rendered
	clear(rendered)
	runtime.GOMAXPROCS(c.Workers)
	runtime.GC()
	start := time.Now()
	if perturbs {
		region := rtrace.StartRegion(ctx, "reference orbit")
		r, err := s.newRenderer(c.scene.View)
		region.End()
		if err != nil {
			return 0, 0, nil, fmt.Errorf("bench: %s: %w", c, err)
		}
		c.scene.r = r
		ref = time.Since(start)
	}
	r := c.scene.r
	f := r.Frame()
	// One plain store per row rendered: a row belongs to one task call, so
	// the counts cost the strategy no contention. The context is never
	// cancelled (see above), so the task never stops between rows.
	task := func(_, lo, hi int) (int64, error) {
		work := r.RenderUnits(lo, hi)
		for y := lo; y < hi; y++ {
			rendered[y]++
		}
		return work, nil
	}
	opts := strategies.Options{Workers: c.Workers, Grain: c.Grain, Trace: trace}

	// The pipeline's render stage, over the whole frame: a render's strips
	// would add barriers that change what a sweep measures.
	rep, rows, err := pipeline.RenderRows(ctx, c.Strategy, opts, 0, r.Units(), task, nil)
	if err != nil {
		var pe *strategies.PanicError
		if errors.As(err, &pe) {
			// One line: the stack is of no use in a report.
			err = fmt.Errorf("a task panicked: %v", pe.Value)
		}
		return 0, 0, nil, fmt.Errorf("bench: %s: %w", c, err)
	}
	if err := checkRows(rendered); err != nil {
		return 0, 0, nil, fmt.Errorf("bench: %s: %w", c, err)
	}
	if h := frameHash(f); h != c.scene.hash {
		return 0, 0, nil, fmt.Errorf("bench: %s: the frame differs from serial's (hash %016x, want %016x): the strategy computed a wrong picture", c, h, c.scene.hash)
	}
	items := 0
	for _, w := range rep.Workers {
		items += w.Items
	}
	if items != r.Units() || rep.Work() != c.scene.Work {
		return 0, 0, nil, fmt.Errorf("bench: %s: the report counts %d rows and %d iterations, want %d and %d: the strategy did some work twice",
			c, items, rep.Work(), r.Units(), c.scene.Work)
	}
	return ref + rows, ref, rep, nil
}

// newRenderer makes the sweep's renderer of v: one worker's frame, the
// sweep's kernel and shortcuts, the method auto chooses (perturbation for
// the deep scene).
func (s *sweep) newRenderer(v render.View) (*render.Renderer, error) {
	return render.NewRenderer(v, 1, render.Options{Kernel: s.plan.kernel, Shortcuts: s.cfg.Shortcuts})
}

// checkRows checks that every row was rendered exactly once.
func checkRows(rendered []uint32) error {
	for y, n := range rendered {
		switch {
		case n == 0:
			return fmt.Errorf("row %d was not rendered when Run returned: the strategy skipped it or finished it after returning", y)
		case n > 1:
			return fmt.Errorf("row %d was rendered %d times: the strategy did some work twice", y, n)
		}
	}
	return nil
}

// warnNoisy gives one warning for all the noisy configurations, naming the
// worst few; summary.md flags each of them.
func (s *sweep) warnNoisy(sums []Summary) {
	var noisy []Summary
	for _, sum := range sums {
		if sum.Noisy {
			noisy = append(noisy, sum)
		}
	}
	if len(noisy) == 0 {
		return
	}
	slices.SortStableFunc(noisy, func(a, b Summary) int { return cmp.Compare(*b.CV, *a.CV) })
	var names []string
	for _, sum := range noisy[:min(len(noisy), 5)] {
		names = append(names, fmt.Sprintf("%s/%s/%d (%.0f%%)", sum.Scene, Label(sum, len(s.plan.grains) > 1), sum.Workers, 100*(*sum.CV)))
	}
	more := ""
	if len(noisy) > 5 {
		more = fmt.Sprintf(" and %d more", len(noisy)-5)
	}
	s.warn("%d of %d configurations are noisy (CV above %.0f%%): %s%s; summary.md flags each",
		len(noisy), len(sums), 100*stats.NoisyCV, strings.Join(names, ", "), more)
}

// interrupted wraps a cancellation with what was done.
func (s *sweep) interrupted(err error) error {
	info := s.env.Sweep
	info.RunsDone = s.runsDone
	return fmt.Errorf("bench: interrupted after %s: %w", info.RunsText(), err)
}

// warn records a warning and passes it on at once.
func (s *sweep) warn(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.env.Warnings = append(s.env.Warnings, msg)
	if s.cfg.Warnings != nil {
		s.progress.clear()
		fmt.Fprintln(s.cfg.Warnings, "warning: "+msg)
	}
}

// frameHash hashes the frame's iteration counts, two to a 64-bit word, and
// the bits of its final magnitudes: FNV-1a over words rather than bytes,
// each step followed by h ^= h>>32 so that high bits reach the low ones
// (a multiply carries only upwards). Every step is a bijection of h, so a
// frame that differs in one word always hashes differently. The hash is
// the same in every process and on every machine.
func frameHash(f *render.Frame) uint64 {
	const prime = 1099511628211
	h := uint64(14695981039346656037)
	it := f.Iter
	for ; len(it) >= 2; it = it[2:] {
		h = (h ^ (uint64(it[0]) | uint64(it[1])<<32)) * prime
		h ^= h >> 32
	}
	if len(it) == 1 {
		h = (h ^ uint64(it[0])) * prime
		h ^= h >> 32
	}
	for _, m := range f.Mag2 {
		h = (h ^ math.Float64bits(m)) * prime
		h ^= h >> 32
	}
	return h
}
