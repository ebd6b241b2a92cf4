package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/perf/benchfmt"

	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// tinyConfig is a sweep that takes a fraction of a second, even under the
// race detector: two scenes at 32x24, three strategies, workers 1 and 2.
func TestMain(m *testing.M) {
	// Strategies start goroutines for every run; none may outlive a sweep.
	goleak.VerifyTestMain(m)
}

// runAndWrite is what mandel bench does: Run, then Write what it measured.
func runAndWrite(ctx context.Context, cfg Config) (*Result, error) {
	res, err := Run(ctx, cfg)
	if res != nil {
		err = errors.Join(err, res.Write())
	}
	return res, err
}

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
		probeLoop:  1 << 14,
		// Short, so that a test with Simulate does not spend seconds on
		// what only a real sweep needs timed well.
		primitiveTime: time.Millisecond,
		// Pinned, so that the tests do not depend on the machine's memory.
		availableMemory: func() float64 { return 1 << 30 },
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

func TestStrategyColours(t *testing.T) {
	seen := map[color.RGBA]string{}
	for _, st := range strategies.All() {
		c := strategyColour(st)
		if c.R == c.G && c.G == c.B {
			t.Errorf("%s is grey %v, like the ideal line", st.Name(), c)
		}
		if other, ok := seen[c]; ok {
			t.Errorf("%s and %s share the colour %v", st.Name(), other, c)
		}
		seen[c] = st.Name()
	}
	// A strategy outside the catalogue gets a colour from its name, the
	// same in every chart.
	w := wrong{name: "late", inner: strategies.Atomic}
	if strategyColour(w) != strategyColour(wrong{name: "late"}) {
		t.Error("a strategy outside the catalogue changed colour")
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

func TestSweepWritesEveryFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	cfg := tinyConfig(out)
	cfg.Grains = []int{1, 4} // atomic and steal get two configurations per worker count
	var warnings bytes.Buffer
	cfg.Warnings = &warnings
	before := runtime.GOMAXPROCS(0)
	res, err := runAndWrite(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOMAXPROCS(0) != before {
		t.Errorf("GOMAXPROCS is %d after the sweep, was %d", runtime.GOMAXPROCS(0), before)
	}
	// Per scene: the serial baseline, bands at 2 worker counts, atomic and
	// steal at 2 worker counts x 2 grains.
	const configs = 2 * (1 + 2 + 2*2*2)
	runs := configs * cfg.Reps
	if res.Env.Partial || len(res.Summaries) != configs || res.Env.Sweep.RunsDone != runs {
		t.Fatalf("partial %v, %d summaries (want %d), %d runs (want %d)", res.Env.Partial, len(res.Summaries), configs, res.Env.Sweep.RunsDone, runs)
	}

	rows := readCSV(t, filepath.Join(out, "runs.csv"))
	if len(rows) != runs+1 || !slices.Equal(rows[0], runsHeader) {
		t.Errorf("runs.csv: %d rows (want %d and the header), header %v", len(rows), runs+1, rows[0])
	}
	perConfig := map[string]int{}
	for _, r := range rows[1:] {
		perConfig[strings.Join(r[2:6], "/")]++
	}
	for k, n := range perConfig {
		if n != cfg.Reps {
			t.Errorf("runs.csv has %d runs of %s, want %d", n, k, cfg.Reps)
		}
	}
	if sum := readCSV(t, filepath.Join(out, "summary.csv")); len(sum) != configs+1 {
		t.Errorf("summary.csv: %d rows, want %d", len(sum), configs+1)
	}

	var sf summaryFile
	readJSON(t, filepath.Join(out, "summary.json"), &sf)
	if sf.Partial || len(sf.Configs) != configs {
		t.Errorf("summary.json: partial %v, %d configs", sf.Partial, len(sf.Configs))
	}
	for _, s := range sf.Configs {
		if s.Speedup == nil || s.Efficiency == nil || s.MedianS <= 0 || s.Runs != cfg.Reps || s.IterPerS <= 0 || len(s.BusyS) != s.Workers {
			t.Errorf("summary of %s/%s/%d/%d: %+v", s.Scene, s.Strategy, s.Workers, s.Grain, s)
		}
		if s.Strategy == strategies.Serial.Name() && (*s.Speedup != 1 || s.Workers != 1) {
			t.Errorf("serial: speedup %v at %d workers", *s.Speedup, s.Workers)
		}
		if s.CILowS != nil {
			t.Errorf("a confidence interval from %d runs", s.Runs)
		}
		if !near(*s.Efficiency, *s.Speedup/float64(s.Workers)) {
			t.Errorf("efficiency %v for speedup %v at %d workers", *s.Efficiency, *s.Speedup, s.Workers)
		}
	}

	var env Env
	readJSON(t, filepath.Join(out, "env.json"), &env)
	if env.Partial || env.Commit != "test" || env.LogicalCPUs != runtime.NumCPU() || env.GoVersion != runtime.Version() ||
		env.Sweep.Seed != 42 || len(env.Sweep.Scenes) != 2 || env.Sweep.Scenes[0].Hash == "" || env.Sweep.Scenes[0].Iterations <= 0 ||
		env.Parallelism.Goroutines != runtime.NumCPU() || env.Finished.IsZero() {
		t.Errorf("env.json: %+v", env)
	}

	checkBenchfmt(t, filepath.Join(out, "bench.txt"), runs, false, true)

	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil || !bytes.Contains(md, []byte("| scene | strategy | workers |")) || bytes.Contains(md, []byte("PARTIAL")) {
		t.Errorf("summary.md (%v):\n%s", err, md)
	}
	if !strings.Contains(string(md), res.Table) {
		t.Error("summary.md lacks the table Run returned")
	}

	var want []string
	for _, scene := range cfg.Scenes {
		for _, chart := range []string{"speedup", "efficiency", "times", "busy"} {
			want = append(want, "charts/"+chart+"-"+scene+".png", "charts/"+chart+"-"+scene+".svg")
		}
		want = append(want, "pictures/"+scene+"/scene.png", "pictures/"+scene+"/cost.png")
		for _, s := range []string{"serial", "bands", "atomic", "steal"} {
			want = append(want, "pictures/"+scene+"/schedule-"+s+".png", "pictures/"+scene+"/timeline-"+s+".png")
		}
	}
	for _, name := range want {
		checkImage(t, filepath.Join(out, name))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(out, "*", ".*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// checkBenchfmt parses bench.txt as benchstat would and checks its names
// (with a /grain= key if and only if grains), units and configuration lines.
func checkBenchfmt(t *testing.T, path string, runs int, partial, grains bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := benchfmt.NewReader(f, path)
	name := regexp.MustCompile(`^Render/scene=[a-z]+/strategy=[a-z]+/workers=(\d+)-(\d+)$`)
	if grains {
		name = regexp.MustCompile(`^Render/scene=[a-z]+/strategy=[a-z]+/workers=(\d+)/grain=\d+-(\d+)$`)
	}
	n := 0
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			t.Errorf("bench.txt: %v", rec)
		case *benchfmt.Result:
			n++
			m := name.FindStringSubmatch(rec.Name.String())
			if m == nil || m[1] != m[2] {
				t.Errorf("bench.txt: name %q", rec.Name)
			}
			for _, unit := range []string{"sec/op", "iter/s", "pixels/s", "imbalance"} {
				if v, ok := rec.Value(unit); !ok || v <= 0 {
					t.Errorf("bench.txt: %s: %s = %v, %v", rec.Name, unit, v, ok)
				}
			}
			for _, key := range []string{"goos", "goarch", "pkg", "cpu", "commit"} {
				if rec.GetConfig(key) == "" {
					t.Errorf("bench.txt: no %s: line", key)
				}
			}
			if (rec.GetConfig("partial") == "true") != partial {
				t.Errorf("bench.txt: partial: %q", rec.GetConfig("partial"))
			}
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if n != runs {
		t.Errorf("bench.txt has %d results, want %d", n, runs)
	}
	if r.Units().GetBetter("iter/s") != 1 || r.Units().GetBetter("imbalance") != -1 {
		t.Error("bench.txt: Unit lines missing")
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

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func checkImage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	switch filepath.Ext(path) {
	case ".png":
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	case ".svg":
		if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<svg")) {
			t.Errorf("%s does not start like an SVG: %.40q", path, b)
		}
	}
}

// wrong is a strategy that runs another one with a sabotaged task.
type wrong struct {
	name     string
	inner    strategies.Strategy
	sabotage func(n int, task strategies.Task) strategies.Task
}

func (s wrong) Name() string    { return s.name }
func (s wrong) Summary() string { return "a wrong strategy, for tests" }
func (s wrong) UsesGrain() bool { return false }
func (s wrong) Run(ctx context.Context, n int, opts strategies.Options, task strategies.Task) (*strategies.Report, error) {
	return s.inner.Run(ctx, n, opts, s.sabotage(n, task))
}

func withWrong(cfg *Config, w wrong) {
	cfg.lookup = func(name string) (strategies.Strategy, error) {
		if name == w.name {
			return w, nil
		}
		return strategies.Lookup(name)
	}
	cfg.Strategies = append(cfg.Strategies, w.name)
}

func TestWrongStrategyFailsLoudly(t *testing.T) {
	for _, c := range []struct {
		w    wrong
		want string
	}{
		{wrong{"skiplast", strategies.Atomic, func(n int, task strategies.Task) strategies.Task {
			return func(w, lo, hi int) (int64, error) {
				return task(w, lo, min(hi, n-1)) // the last row is never rendered
			}
		}}, "row 23 was not rendered when Run returned"},
		{wrong{"twice", strategies.Atomic, func(n int, task strategies.Task) strategies.Task {
			return func(w, lo, hi int) (int64, error) {
				a, _ := task(w, lo, hi)
				b, err := task(w, lo, hi) // right picture, double the work
				return a + b, err
			}
		}}, "did some work twice"},
	} {
		t.Run(c.w.name, func(t *testing.T) {
			cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
			withWrong(&cfg, c.w)
			_, err := runAndWrite(context.Background(), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "strategy "+c.w.name) {
				t.Errorf("err = %v, want one naming the strategy and %q", err, c.want)
			}
			var env Env
			readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
			if !env.Partial || !strings.Contains(env.Error, c.w.name) {
				t.Errorf("env.json partial %v error %q", env.Partial, env.Error)
			}
		})
	}
}

func TestCancelWritesPartialResults(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	const stopAfter = 3
	cfg.afterRun = func(done int) {
		if done == stopAfter {
			cancel()
		}
	}
	res, err := runAndWrite(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || !res.Env.Partial || res.Env.Sweep.RunsDone != stopAfter {
		t.Fatalf("result %+v", res)
	}
	if rows := readCSV(t, filepath.Join(cfg.Out, "runs.csv")); len(rows) != stopAfter+1 {
		t.Errorf("runs.csv has %d runs, want %d", len(rows)-1, stopAfter)
	}
	var sf summaryFile
	readJSON(t, filepath.Join(cfg.Out, "summary.json"), &sf)
	var env Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !sf.Partial || !env.Partial || !strings.Contains(env.Error, "interrupted after 3 of") {
		t.Errorf("summary.json partial %v, env.json partial %v error %q", sf.Partial, env.Partial, env.Error)
	}
	if md, _ := os.ReadFile(filepath.Join(cfg.Out, "summary.md")); !bytes.Contains(md, []byte("PARTIAL")) {
		t.Errorf("summary.md is not marked partial:\n%s", md)
	}
	checkBenchfmt(t, filepath.Join(cfg.Out, "bench.txt"), stopAfter, true, false)
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	res, err := runAndWrite(ctx, cfg)
	if !errors.Is(err, context.Canceled) || res == nil || !res.Env.Partial {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	var env Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !env.Partial {
		t.Error("env.json is not marked partial")
	}
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
	c := &config{scene: &sceneRun{Scene: Scene{Name: "full"}}, workers: 4, grain: 1}
	c.strategy = strategies.Steal
	p.start(4)
	for i := 0; i < 4; i++ {
		p.run(c, i, 1, 3)
	}
	p.done()
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
	quiet.phase("x")
	quiet.done() // must not panic
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

// Results that cannot be written after Ctrl-C are reported along with the
// interruption, not lost.
func TestCancelReportsWriteErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Warmup = []string{"full"}, 0
	cfg.afterRun = func(done int) {
		if done == 2 {
			// A directory where summary.md goes: it cannot be written.
			if err := os.Mkdir(filepath.Join(cfg.Out, "summary.md"), 0o755); err != nil {
				t.Error(err)
			}
			cancel()
		}
	}
	res, err := runAndWrite(ctx, cfg)
	if !errors.Is(err, context.Canceled) || err == nil || !strings.Contains(err.Error(), "summary.md") {
		t.Errorf("err = %v, want the interruption and the failed summary.md", err)
	}
	if res == nil || !res.Env.Partial || res.Env.Sweep.RunsDone != 2 {
		t.Errorf("result %+v", res)
	}
}

// env.json is written at the start of the sweep: until the end it must say
// that the sweep is unfinished, or a sweep killed outright leaves a folder
// that looks complete.
func TestEnvUnfinishedWhileRunning(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Workers, cfg.Warmup = []string{"full"}, []string{"bands"}, []int{2}, 0
	var during Env
	cfg.afterRun = func(done int) {
		if done == 1 {
			readJSON(t, filepath.Join(cfg.Out, "env.json"), &during)
		}
	}
	if _, err := runAndWrite(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if !during.Partial || !strings.Contains(during.Error, "unfinished") {
		t.Errorf("env.json during the sweep: partial %v, error %q", during.Partial, during.Error)
	}
	var after Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &after)
	if after.Partial || after.Error != "" {
		t.Errorf("env.json after the sweep: partial %v, error %q", after.Partial, after.Error)
	}
}

// One run says nothing about the spread: SD and CV are null, empty or n/a,
// never 0 (which would read as a perfectly quiet configuration).
func TestSingleRunHasNoSpread(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Reps, cfg.Warmup = 1, 0
	cfg.Scenes, cfg.Strategies, cfg.Workers = []string{"full"}, []string{"bands"}, []int{2}
	res, err := runAndWrite(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var sf struct {
		Configs []map[string]any `json:"configs"`
	}
	readJSON(t, filepath.Join(cfg.Out, "summary.json"), &sf)
	for _, c := range sf.Configs {
		if c["sd_s"] != nil || c["cv"] != nil {
			t.Errorf("summary.json: sd_s %v, cv %v from one run", c["sd_s"], c["cv"])
		}
	}
	rows := readCSV(t, filepath.Join(cfg.Out, "summary.csv"))
	sd, cv := slices.Index(rows[0], "sd_s"), slices.Index(rows[0], "cv")
	for _, row := range rows[1:] {
		if row[sd] != "" || row[cv] != "" {
			t.Errorf("summary.csv: sd_s %q, cv %q from one run", row[sd], row[cv])
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(res.Table), "\n")[2:] {
		if !strings.HasSuffix(line, "| n/a |") {
			t.Errorf("summary.md: CV of one run is not n/a: %s", line)
		}
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
	cfg.lookup = func(name string) (strategies.Strategy, error) {
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

// Run writes only what must be written while measuring; the files derived
// from the measurements wait for Write, and env.json says unfinished until
// then.
func TestRunLeavesTheRestToWrite(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Warmup = []string{"full"}, []string{"steal"}, 0
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	runs := (1 + 2) * cfg.Reps // serial, steal at 1 and 2 workers
	if rows := readCSV(t, filepath.Join(cfg.Out, "runs.csv")); len(rows) != runs+1 {
		t.Errorf("runs.csv after Run: %d runs, want %d", len(rows)-1, runs)
	}
	for _, name := range []string{"pictures/full/scene.png", "pictures/full/cost.png", "pictures/full/schedule-steal.png"} {
		checkImage(t, filepath.Join(cfg.Out, name))
	}
	for _, name := range []string{"summary.json", "summary.csv", "summary.md", "bench.txt", "charts", "pictures/full/timeline-steal.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after Run: %v, want it absent until Write", name, err)
		}
	}
	var env Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !strings.Contains(env.Error, "unfinished") {
		t.Errorf("env.json after Run: error %q, want unfinished", env.Error)
	}
	if res.Env.Partial || res.Env.Finished.IsZero() || res.Env.Sweep.RunsDone != runs {
		t.Errorf("Result.Env: partial %v, finished %v, %d runs", res.Env.Partial, res.Env.Finished, res.Env.Sweep.RunsDone)
	}

	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"summary.json", "summary.csv", "summary.md", "bench.txt", "charts/speedup-full.svg", "pictures/full/timeline-steal.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); err != nil {
			t.Errorf("after Write: %v", err)
		}
	}
	var after Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &after)
	if after.Partial || after.Error != "" || !after.Finished.Equal(res.Env.Finished) {
		t.Errorf("env.json after Write: partial %v, error %q, finished %v", after.Partial, after.Error, after.Finished)
	}
}

// A file that cannot be written does not stop Write: it writes the others,
// env.json included, and its error counts the failures.
func TestWriteGoesOnAfterAnError(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Warmup = []string{"full"}, []string{"bands"}, 0
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A file where the charts' directory goes: no chart can be written.
	if err := os.WriteFile(filepath.Join(cfg.Out, "charts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = res.Write()
	// 4 charts of one scene, and the other 3 not written.
	if err == nil || !strings.Contains(err.Error(), "chart speedup-full") || !strings.Contains(err.Error(), "(and 3 more files not written)") {
		t.Errorf("Write = %v, want the first chart's error and 3 more", err)
	}
	for _, name := range []string{"summary.md", "bench.txt", "pictures/full/timeline-bands.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); err != nil {
			t.Errorf("after a failed chart: %v", err)
		}
	}
	var env Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if env.Error != "" {
		t.Errorf("env.json not rewritten after a failed chart: error %q", env.Error)
	}
}

func TestWriteNeedsRun(t *testing.T) {
	dir := t.TempDir()
	r := &Result{Dir: dir}
	if err := r.Write(); err == nil {
		t.Error("Write of a Result made by hand succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Write of a Result made by hand wrote %v", entries)
	}
}

// bench.txt, to the byte, for a run whose numbers are known: the Unit
// lines, the configuration on one line each, and one result per run.
func TestBenchTxt(t *testing.T) {
	sc := &sceneRun{Scene: Scene{Name: "full", View: render.View{Width: 4, Height: 5}}}
	rep := &strategies.Report{Wall: 2 * time.Second, Workers: []strategies.WorkerStats{
		{Busy: 2 * time.Second, Work: 600}, {Busy: time.Second, Work: 400}}}
	odd := &strategies.Report{Wall: 3 * time.Second, Workers: []strategies.WorkerStats{
		{Busy: 3 * time.Second, Work: 1}, {Busy: 0, Work: 999}}} // one worker did it all
	c := &config{scene: sc, strategy: strategies.Steal, workers: 2, grain: 4,
		samples: []sample{{wall: 2 * time.Second, report: rep}, {wall: 4 * time.Second, report: rep}, {wall: 3 * time.Second, report: odd}}}
	r := &Result{configs: []*config{c}}
	r.Env = Env{Partial: true, GOOS: "linux", GOARCH: "amd64", CPU: "A CPU\nsplit", Commit: "abc123", GoVersion: "go1.26",
		Kernel: "6.1", Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), LogicalCPUs: 2}
	r.Env.Parallelism.Effective = 1.954
	r.Env.Sweep.Seed = 7
	r.Env.Sweep.Grains = []int{4, 16}
	var b bytes.Buffer
	if err := r.writeBenchfmt(&b); err != nil {
		t.Fatal(err)
	}
	// 1000 iterations and 20 pixels in 2 s, 4 s and 3 s (rounded to 6
	// digits); busy 2 s and 1 s, then 3 s and 0: imbalance 2 / 1.5 (rounded
	// to 4 decimals), then 2; overhead 2 x wall - busy.
	want := `Unit iter/s better=higher
Unit pixels/s better=higher
Unit imbalance better=lower
Unit overhead-ns/op better=lower
goos: linux
goarch: amd64
pkg: github.com/mandel-project/mandel/bench
cpu: A CPU split
commit: abc123
go: go1.26
kernel: 6.1
date: 2026-01-02T03:04:05Z
logical-cpus: 2
effective-parallelism: 1.95
seed: 7
partial: true

BenchmarkRender/scene=full/strategy=steal/workers=2/grain=4-2 1 2e+09 ns/op 500 iter/s 10 pixels/s 1.3333 imbalance 1e+09 overhead-ns/op
BenchmarkRender/scene=full/strategy=steal/workers=2/grain=4-2 1 4e+09 ns/op 250 iter/s 5 pixels/s 1.3333 imbalance 1e+09 overhead-ns/op
BenchmarkRender/scene=full/strategy=steal/workers=2/grain=4-2 1 3e+09 ns/op 333.333 iter/s 6.66667 pixels/s 2 imbalance 3e+09 overhead-ns/op
`
	if got := b.String(); got != want {
		t.Errorf("bench.txt:\n%s\nwant:\n%s", got, want)
	}
	// benchstat reads ns/op as seconds.
	rd := benchfmt.NewReader(&b, "bench.txt")
	var secs []float64
	for rd.Scan() {
		if res, ok := rd.Result().(*benchfmt.Result); ok {
			v, _ := res.Value("sec/op")
			secs = append(secs, v)
		}
	}
	if !slices.Equal(secs, []float64{2, 4, 3}) {
		t.Errorf("benchfmt reads sec/op %v, want [2 4 3]", secs)
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
