package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

func TestMain(m *testing.M) {
	// Strategies start goroutines for every run; none may outlive a sweep.
	goleak.VerifyTestMain(m)
}

// tinyConfig is a sweep that takes a fraction of a second, even under the
// race detector: two scenes at 32x24, three strategies, workers 1 and 2.
func tinyConfig(out string) Config {
	return Config{
		Out:        out,
		Scenes:     []string{"full", "tophalf"},
		Strategies: []string{"bands", "atomic", "steal"},
		Workers:    []int{1, 2},
		Grains:     []int{1},
		Reps:       2,
		Warmup:     1,
		Width:      32,
		Height:     24,
		MaxIter:    100,
		SizeFactor: 1,
		Seed:       42,
		Commit:     "test",
		ProbeLoop:  1 << 14,
		// Short, so that a test with Simulate does not spend seconds on
		// what only a real sweep needs timed well.
		PrimitiveTime: time.Millisecond,
		// Pinned, so that the tests do not depend on the machine's memory.
		AvailableMemory: func() float64 { return 1 << 30 },
	}
}

func TestOrderCoversEveryConfigEachRound(t *testing.T) {
	const n, rounds = 7, 5
	a := order(n, rounds, 1)
	if len(a) != rounds {
		t.Fatalf("%d rounds, want %d", len(a), rounds)
	}
	for r, perm := range a {
		sorted := slices.Sorted(slices.Values(perm))
		for i, v := range sorted {
			if v != i {
				t.Fatalf("round %d is not a permutation of 0..%d: %v", r, n-1, perm)
			}
		}
	}
	if !slices.EqualFunc(a, order(n, rounds, 1), slices.Equal) {
		t.Error("the same seed gave a different order")
	}
	if slices.EqualFunc(a, order(n, rounds, 2), slices.Equal) {
		t.Error("seeds 1 and 2 gave the same order")
	}
	if slices.Equal(a[0], a[1]) && slices.Equal(a[1], a[2]) {
		t.Error("every round has the same order: drift would still favour some configurations")
	}
}

func TestFrameHashSeesEveryValue(t *testing.T) {
	f := &render.Frame{Iter: []uint32{1, 2, 3}, Mag2: []float64{4, 5, 6}}
	h := frameHash(f)
	f.Iter[2]++
	if frameHash(f) == h {
		t.Error("a changed count did not change the hash")
	}
	f.Iter[2]--
	f.Mag2[0] = 4.000000000000001
	if frameHash(f) == h {
		t.Error("a changed magnitude did not change the hash")
	}
	f.Mag2[0] = 4
	f.Iter[0], f.Iter[1] = f.Iter[1], f.Iter[0]
	if frameHash(f) == h {
		t.Error("swapped counts did not change the hash")
	}
	f.Iter[0], f.Iter[1] = f.Iter[1], f.Iter[0]
	// Top bits alone, in two words: a multiply never carries them down, so
	// without mixing the two changes would cancel out.
	f.Mag2[1] = math.Float64frombits(math.Float64bits(f.Mag2[1]) ^ 1<<63)
	f.Mag2[2] = math.Float64frombits(math.Float64bits(f.Mag2[2]) ^ 1<<63)
	if frameHash(f) == h {
		t.Error("two sign flips did not change the hash")
	}
}

func BenchmarkFrameHash(b *testing.B) {
	n := 768 * 768 // tophalf
	f := &render.Frame{Iter: make([]uint32, n), Mag2: make([]float64, n)}
	b.SetBytes(int64(n * 12))
	for b.Loop() {
		frameHash(f)
	}
}

func TestProbeParallelism(t *testing.T) {
	p := probeParallelism(2, 1<<14)
	if p.Goroutines != 2 || p.Loop != 1<<14 || p.OneS <= 0 || p.AllS <= 0 || p.Effective <= 0 {
		t.Errorf("probe: %+v", p)
	}
	if p.Low != (p.Effective < 1.6) {
		t.Errorf("Low is %v with effective %.2f of 2", p.Low, p.Effective)
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// wrong is a strategy that runs another one with a sabotaged task.
type wrong struct {
	name     string
	inner    strategies.Strategy
	sabotage func(n int, task strategies.Task) strategies.Task
}

func (s wrong) Name() string { return s.name }

func (s wrong) Summary() string { return "a wrong strategy, for tests" }

func (s wrong) UsesGrain() bool { return false }

func (s wrong) Run(ctx context.Context, n int, opts strategies.Options, task strategies.Task) (*strategies.Report, error) {
	return s.inner.Run(ctx, n, opts, s.sabotage(n, task))
}

func withWrong(cfg *Config, w wrong) {
	cfg.Lookup = func(name string) (strategies.Strategy, error) {
		if name == w.name {
			return w, nil
		}
		return strategies.Lookup(name)
	}
	cfg.Strategies = append(cfg.Strategies, w.name)
}

func TestConfigErrorDoesNothing(t *testing.T) {
	dir := t.TempDir()
	cfg := tinyConfig(filepath.Join(dir, "res"))
	cfg.Scenes = []string{"nowhere"}
	_, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a ConfigError", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a bad configuration created %v", entries)
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	c := newConfig(&sceneRun{SceneResult: &SceneResult{Scene: Scene{Name: "full"}}}, strategies.Steal, 4, 1)
	p.start(4)
	for i := 0; i < 4; i++ {
		p.run(c, i, 1, 3)
	}
	p.Done()
	s := buf.String()
	for _, want := range []string{"\rrun 1/4  warm-up 1/1  full/steal w=4 g=1  ETA --", "run 4/4  rep 3/3", "ETA 0s"} {
		if !strings.Contains(s, want) {
			t.Errorf("progress output %q lacks %q", s, want)
		}
	}
	if !strings.HasSuffix(s, "\r") {
		t.Errorf("progress line not erased at the end: %q", s)
	}
	quiet := newProgress(nil)
	quiet.start(1)
	quiet.run(c, 0, 0, 1)
	quiet.Phase("x")
	quiet.Done() // must not panic
}

func ExampleParseCounts() {
	ws, err := ParseCounts("1,2,4")
	fmt.Println(ws, err)
	_, err = ParseCounts("1,0")
	fmt.Println(err)
	// Output:
	// [1 2 4] <nil>
	// 0 is not a positive count
}

// A strategy whose last row finishes in a detached goroutine after Run has
// returned, reporting its work as if it had been done in time, is wrong:
// its time misses that row. At 2 workers the goroutine could finish before
// the frame is hashed, so only the per-row counts catch it reliably; here
// it waits until the sweep is over, for a deterministic test.
func TestRowFinishedAfterRunFailsLoudly(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Workers = []string{"tophalf"}, nil, []int{2}
	sc, _ := lookupScene("tophalf")
	v := sc.View
	v.Width, v.Height, v.MaxIter = cfg.Width, cfg.Height, cfg.MaxIter
	r, err := render.NewRenderer(v, 1, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	lastWork := r.RenderUnits(v.Height-1, v.Height)

	release := make(chan struct{})
	var late sync.WaitGroup
	withWrong(&cfg, wrong{"late", strategies.Atomic, func(n int, task strategies.Task) strategies.Task {
		return func(w, lo, hi int) (int64, error) {
			if hi < n {
				return task(w, lo, hi)
			}
			late.Go(func() {
				<-release
				task(w, n-1, n)
			})
			work, err := task(w, lo, n-1)
			return work + lastWork, err
		}
	}})
	_, err = Run(context.Background(), cfg)
	close(release)
	late.Wait()
	if err == nil || !strings.Contains(err.Error(), "strategy late") || !strings.Contains(err.Error(), "row 23 was not rendered when Run returned") {
		t.Errorf("err = %v, want one naming the strategy and the row finished late", err)
	}
}

func TestCheckRows(t *testing.T) {
	for _, c := range []struct {
		name     string
		rendered []uint32
		want     string // "" for no error
	}{
		{"every row once", []uint32{1, 1, 1}, ""},
		{"a row twice", []uint32{1, 2, 1}, "row 1 was rendered 2 times"},
		{"a row missing", []uint32{1, 1, 0}, "row 2 was not rendered"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := checkRows(c.rendered)
			if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
				t.Errorf("checkRows(%v) = %v, want %q", c.rendered, err, c.want)
			}
		})
	}
}

// counting is a strategy that counts its runs per worker count and grain.
type counting struct {
	strategies.Strategy
	runs map[[2]int]int
}

func (c *counting) Run(ctx context.Context, n int, opts strategies.Options, task strategies.Task) (*strategies.Report, error) {
	c.runs[[2]int{opts.Workers, opts.Grain}]++
	return c.Strategy.Run(ctx, n, opts, task)
}

// Every configuration runs warm-up + reps times, and once more traced if it
// is at the largest worker count and the first grain.
func TestRunsPerConfig(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Grains, cfg.Warmup, cfg.Reps = []string{"full"}, []int{1, 4}, 2, 3
	counters := map[string]*counting{}
	cfg.Lookup = func(name string) (strategies.Strategy, error) {
		s, err := strategies.Lookup(name)
		if err != nil {
			return nil, err
		}
		counters[name] = &counting{s, map[[2]int]int{}}
		return counters[name], nil
	}
	if _, err := Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, name := range cfg.Strategies {
		t.Run(name, func(t *testing.T) {
			c := counters[name]
			grains := []int{1}
			if c.UsesGrain() {
				grains = cfg.Grains
			}
			for _, w := range cfg.Workers {
				for _, g := range grains {
					want := cfg.Warmup + cfg.Reps
					if w == 2 && g == grains[0] {
						want++ // the traced run
					}
					if got := c.runs[[2]int{w, g}]; got != want {
						t.Errorf("%d workers, grain %d: %d runs, want %d", w, g, got, want)
					}
				}
			}
		})
	}
}

// The timed runs follow the seeded shuffle of their rounds, after the
// warm-up rounds: runs.csv in seq order is order(n, warmup+reps, seed)'s
// timed rounds.
func TestRunOrderFollowsSeed(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Warmup, cfg.Reps = []string{"full"}, 2, 3
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	key := func(s Summary) string { // the summaries are in configuration order
		return fmt.Sprintf("%s/%s/%d/%d", s.Scene, s.Strategy, s.Workers, s.Grain)
	}
	var want []string
	for _, round := range order(len(res.Summaries), cfg.Warmup+cfg.Reps, cfg.Seed)[cfg.Warmup:] {
		for _, i := range round {
			want = append(want, key(res.Summaries[i]))
		}
	}
	var got []string
	for i, row := range readCSV(t, filepath.Join(cfg.Out, "runs.csv"))[1:] {
		if row[0] != strconv.Itoa(i) {
			t.Fatalf("runs.csv row %d has seq %s", i, row[0])
		}
		got = append(got, strings.Join(row[2:6], "/"))
	}
	if !slices.Equal(got, want) {
		t.Errorf("runs.csv order:\n%v\nwant the seeded shuffle:\n%v", got, want)
	}
}

func TestRestoreGOMAXPROCS(t *testing.T) {
	defer runtime.SetDefaultGOMAXPROCS()
	runtime.SetDefaultGOMAXPROCS()
	def := runtime.GOMAXPROCS(0)
	explicit := def + 1
	runtime.GOMAXPROCS(7)
	restoreGOMAXPROCS(explicit)
	if got := runtime.GOMAXPROCS(0); got != explicit {
		t.Errorf("an explicit %d was restored as %d", explicit, got)
	}
	runtime.GOMAXPROCS(7)
	restoreGOMAXPROCS(def)
	if got := runtime.GOMAXPROCS(0); got != def {
		t.Errorf("the default %d was restored as %d", def, got)
	}
}

// An output directory that cannot be created is a failure, not a bad
// configuration: the command line was right.
func TestRunUnwritableOut(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := tinyConfig(filepath.Join(file, "res")) // ENOTDIR, even for root
	res, err := Run(context.Background(), cfg)
	var ce *ConfigError
	if res != nil || err == nil || errors.As(err, &ce) || !strings.Contains(err.Error(), "cannot create the output directory") {
		t.Errorf("Run = %v, %v; want no result and a failure that is not a ConfigError", res, err)
	}
}

// A sweep without a size scales its scenes to the target time, and gives
// each configuration runs until the stop rule is satisfied.
func TestSweepScalesScenesAndExtendsRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	cfg := tinyConfig(out)
	cfg.Scenes = []string{"full"}
	cfg.Width, cfg.Height = 0, 0
	// Raised to 2 workers x 10 ms. Whether the size changes depends on this
	// machine's speed (TestFitSize checks the fit with fake costs); that it
	// is recorded and used does not.
	cfg.TargetTime = 5 * time.Millisecond
	cfg.Reps, cfg.Warmup = 3, 0 // 3 runs have no CI: extra rounds follow
	cfg.MinTime, cfg.MaxTime = 30*time.Millisecond, 600*time.Millisecond
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	sc := res.Env.Sweep.Scenes[0]
	if res.Env.Sweep.TargetTimeS != 0.02 || sc.BaseWidth != 512 || sc.BaseHeight != 512 || sc.SerialS <= 0 {
		t.Errorf("env.json: target %v, scene %+v", res.Env.Sweep.TargetTimeS, sc)
	}
	v := res.Scenes[0].View
	if v.Width != sc.Width || v.Height != sc.Height || v.Width%sizeStep != 0 || v.Width != v.Height {
		t.Errorf("scene rendered at %dx%d, env.json says %dx%d (from 512x512)", v.Width, v.Height, sc.Width, sc.Height)
	}
	// Run left env.json as it was before the rounds (the report rewrites it):
	// it already names the size chosen.
	var onDisk Env
	if b, err := os.ReadFile(filepath.Join(out, "env.json")); err != nil || json.Unmarshal(b, &onDisk) != nil ||
		len(onDisk.Sweep.Scenes) != 1 || onDisk.Sweep.Scenes[0].Width != v.Width || onDisk.Sweep.Scenes[0].Hash == "" {
		t.Errorf("env.json during the sweep: %v, %+v", err, onDisk.Sweep.Scenes)
	}
	rule := cfg.stopRule()
	runs := 0
	for _, c := range res.Configs {
		walls := Walls(c.Samples)
		if len(walls) < cfg.Reps || rule.more(walls, c.Spent) {
			t.Errorf("%s: %d runs of %v, %v spent: the rule wants more", c, len(walls), walls, c.Spent)
		}
		for i, smp := range c.Samples {
			if smp.Round != i {
				t.Errorf("%s: run %d is numbered %d", c, i, smp.Round)
			}
		}
		runs += len(walls)
	}
	if res.Env.Sweep.ExtraRounds < 1 || res.Env.Sweep.RunsDone != runs || runs <= len(res.Configs)*cfg.Reps {
		t.Errorf("%d extra rounds, %d runs done, %d counted, %d planned", res.Env.Sweep.ExtraRounds, res.Env.Sweep.RunsDone, runs, res.Env.Sweep.RunsPlanned)
	}
	if rows := readCSV(t, filepath.Join(out, "runs.csv")); len(rows)-1 != runs {
		t.Errorf("runs.csv has %d runs, want %d", len(rows)-1, runs)
	}
	for _, sum := range res.Summaries {
		if sum.Runs >= 6 && sum.CIHalfWidth == nil {
			t.Errorf("%s/%s/%d: %d runs but no CI half-width", sum.Scene, sum.Strategy, sum.Workers, sum.Runs)
		}
	}
}

// TestDeepSceneTimesItsReference: on a scene that perturbs, every run
// computes its reference orbit, timed apart as the serial prefix of the
// run's wall time, and the sweep reports it per run (runs.csv), per
// configuration (median and share) and per scene (env.json); a direct
// scene's is 0.
func TestDeepSceneTimesItsReference(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "out"))
	cfg.Scenes = []string{"deep", "full"}
	cfg.Strategies = []string{"bands", "steal"}
	cfg.Width, cfg.Height, cfg.MaxIter = 32, 18, 1000
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range res.Scenes {
		if deep := sc.Name == "deep"; sc.Perturbs != deep || (sc.ReferenceS > 0) != deep {
			t.Errorf("scene %s: perturbs %v, reference %v s", sc.Name, sc.Perturbs, sc.ReferenceS)
		}
	}
	for _, c := range res.Configs {
		for _, smp := range c.Samples {
			if deep := c.Scene.Name == "deep"; (smp.Reference > 0) != deep || smp.Wall <= smp.Reference {
				t.Errorf("%s: run %d: wall %v, reference %v", c, smp.Round, smp.Wall, smp.Reference)
			}
		}
	}
	for _, sum := range res.Summaries {
		if deep := sum.Scene == "deep"; (sum.ReferenceS > 0) != deep || sum.ReferenceShare < 0 || sum.ReferenceShare >= 1 || (sum.ReferenceShare > 0) != deep {
			t.Errorf("%s %s %d workers: reference %v s, share %v", sum.Scene, sum.Strategy, sum.Workers, sum.ReferenceS, sum.ReferenceShare)
		}
	}
	rows := readCSV(t, filepath.Join(cfg.Out, "runs.csv"))
	col := slices.Index(rows[0], "reference_ns")
	if col < 0 {
		t.Fatalf("runs.csv has no reference_ns column: %v", rows[0])
	}
	for _, row := range rows[1:] {
		if ns, err := strconv.ParseInt(row[col], 10, 64); err != nil || (ns > 0) != (row[2] == "deep") {
			t.Errorf("runs.csv: %s reference_ns %q", row[2], row[col])
		}
	}
	for _, si := range res.Env.Sweep.Scenes {
		if want := map[string]string{"deep": "perturb", "full": "direct"}[si.Name]; si.Method != want || (si.ReferenceS > 0) != (want == "perturb") {
			t.Errorf("env.json: scene %s: method %q, reference %v s; want %s", si.Name, si.Method, si.ReferenceS, want)
		}
	}
}
