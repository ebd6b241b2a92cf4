package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/perf/benchfmt"

	"github.com/mandel-project/mandel/bench"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

func TestMain(m *testing.M) {
	// The sweeps' charts are drawn small: only the chart tests need them
	// at full size, and they set it back (withFullSizeCharts).
	pngDPI = 16
	// Strategies start goroutines for every run; none may outlive a sweep.
	goleak.VerifyTestMain(m)
}

// runAndWrite is what mandel bench does: Run, then Write what it measured.
func runAndWrite(ctx context.Context, cfg bench.Config) (*bench.Result, error) {
	res, err := bench.Run(ctx, cfg)
	if res != nil {
		err = errors.Join(err, Write(res))
	}
	return res, err
}

// tinyConfig is a sweep that takes a fraction of a second, even under the
// race detector: two scenes at 32x24, three strategies, workers 1 and 2.
func tinyConfig(out string) bench.Config {
	return bench.Config{
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
	if len(rows) != runs+1 || !slices.Equal(rows[0], bench.RunsHeader) {
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

	var env bench.Env
	readJSON(t, filepath.Join(out, "env.json"), &env)
	if env.Partial || env.Commit != "test" || env.LogicalCPUs != runtime.NumCPU() || env.GoVersion != runtime.Version() ||
		env.Sweep.Seed != 42 || len(env.Sweep.Scenes) != 2 || env.Sweep.Scenes[0].Hash == "" || env.Sweep.Scenes[0].Iterations <= 0 ||
		env.Parallelism.Goroutines != runtime.NumCPU() || env.Finished.IsZero() {
		t.Errorf("env.json: %+v", env)
	}

	checkBenchfmt(t, filepath.Join(out, "bench.txt"), runs, false, true)
	for _, name := range []string{"report.md", "rankings.md", "rankings.csv"} {
		if b, err := os.ReadFile(filepath.Join(out, name)); err != nil || len(b) == 0 {
			t.Errorf("%s: %v, %d bytes", name, err, len(b))
		}
	}
	if rk := readCSV(t, filepath.Join(out, "rankings.csv")); len(rk) != configs+1 || !slices.Equal(rk[0], rankingsHeader) {
		t.Errorf("rankings.csv: %d rows, want %d and the header %v", len(rk), configs+1, rankingsHeader)
	}

	md, err := os.ReadFile(filepath.Join(out, "summary.md"))
	if err != nil || !bytes.Contains(md, []byte("| scene | strategy | workers |")) || bytes.Contains(md, []byte("PARTIAL")) {
		t.Errorf("summary.md (%v):\n%s", err, md)
	}
	if !strings.Contains(string(md), res.Table) {
		t.Error("summary.md lacks the table Run returned")
	}
	// Runs of 32x24 pixels are far below the floor, and 2 runs have no CI:
	// the warnings say so, before the table.
	if w, tbl := strings.Index(string(md), "Warnings:\n\n- "), strings.Index(string(md), "| scene |"); w < 0 || w > tbl {
		t.Errorf("summary.md's warnings are not above its table:\n%s", md)
	}
	for _, want := range []string{"shorter than 10 ms", "wider than ±3% of it"} {
		if !strings.Contains(string(md), want) || !strings.Contains(warnings.String(), want) {
			t.Errorf("neither summary.md nor the warnings written say %q:\n%s", want, warnings.String())
		}
	}
	if !slices.Equal(res.Warnings, res.Env.Warnings) || len(res.Warnings) == 0 {
		t.Errorf("Result.Warnings %q, env.json's %q", res.Warnings, res.Env.Warnings)
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
	name := regexp.MustCompile(`^Render/scene=[a-z]+/size=\d+x\d+/strategy=[a-z]+/workers=(\d+)-(\d+)$`)
	if grains {
		name = regexp.MustCompile(`^Render/scene=[a-z]+/size=\d+x\d+/strategy=[a-z]+/workers=(\d+)/grain=\d+-(\d+)$`)
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

func (s wrong) Name() string { return s.name }

func (s wrong) Summary() string { return "a wrong strategy, for tests" }

func (s wrong) UsesGrain() bool { return false }

func (s wrong) Run(ctx context.Context, n int, opts strategies.Options, task strategies.Task) (*strategies.Report, error) {
	return s.inner.Run(ctx, n, opts, s.sabotage(n, task))
}

func withWrong(cfg *bench.Config, w wrong) {
	cfg.Lookup = func(name string) (strategies.Strategy, error) {
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
			var env bench.Env
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
	cfg.AfterRun = func(done int) {
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
	var env bench.Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !sf.Partial || !env.Partial || !strings.Contains(env.Error, "interrupted after 3 of") {
		t.Errorf("summary.json partial %v, env.json partial %v error %q", sf.Partial, env.Partial, env.Error)
	}
	if md, _ := os.ReadFile(filepath.Join(cfg.Out, "summary.md")); !bytes.Contains(md, []byte("PARTIAL")) {
		t.Errorf("summary.md is not marked partial:\n%s", md)
	}
	checkBenchfmt(t, filepath.Join(cfg.Out, "bench.txt"), stopAfter, true, false)
}

// Stopped in the extra rounds, a sweep has made more runs than the --reps
// rounds planned: its files count them so, not "30 of 28".
func TestCancelInExtraRounds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.MinTime, cfg.MaxTime = time.Hour, time.Hour // extra rounds until cancelled
	cfg.Scenes = []string{"tophalf"}
	configs := 1 + 3*2 // serial, and tinyConfig's 3 strategies at 2 worker counts
	planned := configs * cfg.Reps
	cfg.AfterRun = func(done int) {
		if done == planned+2 {
			cancel()
		}
	}
	res, err := runAndWrite(ctx, cfg)
	if !errors.Is(err, context.Canceled) || res == nil {
		t.Fatalf("Run = %v", err)
	}
	if res.Env.Sweep.RunsPlanned != planned || res.Env.Sweep.RunsDone != planned+2 {
		t.Fatalf("runs planned %d, done %d; want %d and %d", res.Env.Sweep.RunsPlanned, res.Env.Sweep.RunsDone, planned, planned+2)
	}
	want := fmt.Sprintf("%d timed runs, the %d of the --reps rounds and 2 more", planned+2, planned)
	bad := fmt.Sprintf("%d of %d", planned+2, planned)
	var env bench.Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !strings.Contains(env.Error, want) {
		t.Errorf("env.json error %q, want %q in it", env.Error, want)
	}
	for _, f := range []string{"summary.md", "report.md"} {
		md, _ := os.ReadFile(filepath.Join(cfg.Out, f))
		if bytes.Contains(md, []byte(bad)) || !bytes.Contains(md, []byte(want)) {
			t.Errorf("%s says %q, or not %q:\n%.600s", f, bad, want, md)
		}
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	res, err := runAndWrite(ctx, cfg)
	if !errors.Is(err, context.Canceled) || res == nil || !res.Env.Partial {
		t.Fatalf("Run = %+v, %v", res, err)
	}
	var env bench.Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !env.Partial {
		t.Error("env.json is not marked partial")
	}
	// Stopped before the scenes were sized: runs.csv is there all the same,
	// its header and no run.
	if rows := readCSV(t, filepath.Join(cfg.Out, "runs.csv")); len(rows) != 1 || !slices.Equal(rows[0], bench.RunsHeader) {
		t.Errorf("runs.csv = %q, want its header alone", rows)
	}
	// bench.txt too says that it is partial, and on which machine, with no
	// run to follow.
	checkBenchfmt(t, filepath.Join(cfg.Out, "bench.txt"), 0, true, false)
	txt, err := os.ReadFile(filepath.Join(cfg.Out, "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"goos: ", "cpu: ", "commit: test", "partial: true"} {
		if !bytes.Contains(txt, []byte("\n"+line)) {
			t.Errorf("bench.txt has no %q line:\n%s", line, txt)
		}
	}
}

// Results that cannot be written after Ctrl-C are reported along with the
// interruption, not lost.
func TestCancelReportsWriteErrors(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Warmup = []string{"full"}, 0
	cfg.AfterRun = func(done int) {
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
	var during bench.Env
	cfg.AfterRun = func(done int) {
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
	var after bench.Env
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

// Run writes only what must be written while measuring; the files derived
// from the measurements wait for Write, and env.json says unfinished until
// then.
func TestRunLeavesTheRestToWrite(t *testing.T) {
	cfg := tinyConfig(filepath.Join(t.TempDir(), "res"))
	cfg.Scenes, cfg.Strategies, cfg.Warmup = []string{"full"}, []string{"steal"}, 0
	res, err := bench.Run(context.Background(), cfg)
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
	var env bench.Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if !strings.Contains(env.Error, "unfinished") {
		t.Errorf("env.json after Run: error %q, want unfinished", env.Error)
	}
	if res.Env.Partial || res.Env.Finished.IsZero() || res.Env.Sweep.RunsDone != runs {
		t.Errorf("Result.Env: partial %v, finished %v, %d runs", res.Env.Partial, res.Env.Finished, res.Env.Sweep.RunsDone)
	}

	if err := Write(res); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"summary.json", "summary.csv", "summary.md", "bench.txt", "charts/speedup-full.svg", "pictures/full/timeline-steal.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); err != nil {
			t.Errorf("after Write: %v", err)
		}
	}
	var after bench.Env
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
	res, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// A file where the charts' directory goes: no chart can be written.
	if err := os.WriteFile(filepath.Join(cfg.Out, "charts"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err = Write(res)
	// 4 charts of one scene (one grain: no grain chart) and the heatmap:
	// the first, and the other 4 not written.
	if err == nil || !strings.Contains(err.Error(), "chart speedup-full") || !strings.Contains(err.Error(), "(and 4 more files not written)") {
		t.Errorf("Write = %v, want the first chart's error and 4 more", err)
	}
	for _, name := range []string{"summary.md", "bench.txt", "pictures/full/timeline-bands.png"} {
		if _, err := os.Stat(filepath.Join(cfg.Out, name)); err != nil {
			t.Errorf("after a failed chart: %v", err)
		}
	}
	var env bench.Env
	readJSON(t, filepath.Join(cfg.Out, "env.json"), &env)
	if env.Error != "" {
		t.Errorf("env.json not rewritten after a failed chart: error %q", env.Error)
	}
}

func TestWriteNeedsRun(t *testing.T) {
	dir := t.TempDir()
	r := &bench.Result{Dir: dir}
	if err := Write(r); err == nil {
		t.Error("Write of a Result made by hand succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Write of a Result made by hand wrote %v", entries)
	}
}

// bench.txt, to the byte, for a run whose numbers are known: the Unit
// lines, the configuration on one line each, and one result per run.
func TestBenchTxt(t *testing.T) {
	sc := &bench.SceneResult{Scene: bench.Scene{Name: "full", View: render.View{Width: 4, Height: 5}}}
	rep := &strategies.Report{Wall: 2 * time.Second, Workers: []strategies.WorkerStats{
		{Busy: 2 * time.Second, Work: 600}, {Busy: time.Second, Work: 400}}}
	odd := &strategies.Report{Wall: 3 * time.Second, Workers: []strategies.WorkerStats{
		{Busy: 3 * time.Second, Work: 1}, {Busy: 0, Work: 999}}} // one worker did it all
	c := &bench.Configuration{Scene: sc, Strategy: strategies.Steal, Workers: 2, Grain: 4,
		Samples: []bench.Sample{{Wall: 2 * time.Second, Report: rep}, {Wall: 4 * time.Second, Report: rep}, {Wall: 3 * time.Second, Report: odd}}}
	r := &report{&bench.Result{Configs: []*bench.Configuration{c}}}
	r.Env = bench.Env{Partial: true, GOOS: "linux", GOARCH: "amd64", CPU: "A CPU\nsplit", Commit: "abc123", GoVersion: "go1.26",
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

BenchmarkRender/scene=full/size=4x5/strategy=steal/workers=2/grain=4-2 1 2e+09 ns/op 500 iter/s 10 pixels/s 1.3333 imbalance 1e+09 overhead-ns/op
BenchmarkRender/scene=full/size=4x5/strategy=steal/workers=2/grain=4-2 1 4e+09 ns/op 250 iter/s 5 pixels/s 1.3333 imbalance 1e+09 overhead-ns/op
BenchmarkRender/scene=full/size=4x5/strategy=steal/workers=2/grain=4-2 1 3e+09 ns/op 333.333 iter/s 6.66667 pixels/s 2 imbalance 3e+09 overhead-ns/op
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

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestDeepScenePrefix: a sweep of a scene that perturbs reports its
// reference orbit as the runs' serial prefix: columns in summary.csv and
// model.csv, a section in summary.md and report.md with Amdahl's bound
// and the model's prediction past the cores measured, marked as one; the
// model starts every prediction of the scene with the prefix.
func TestDeepScenePrefix(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	cfg := tinyConfig(out)
	cfg.Scenes = []string{"deep"}
	cfg.Strategies = []string{"steal"}
	cfg.Width, cfg.Height, cfg.MaxIter = 32, 18, 1000
	cfg.Simulate = []int{1, 2, 16}
	res, err := runAndWrite(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ref := res.Scenes[0].ReferenceS
	if !res.Scenes[0].Perturbs || ref <= 0 {
		t.Fatalf("scene deep: perturbs %v, reference %v s", res.Scenes[0].Perturbs, ref)
	}
	for _, name := range []string{"summary.md", "report.md"} {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"## The serial prefix: the reference orbit", "| deep | 2 |", "no number of cores shortens it: no run is more than", "**predicts**", "x at 16 workers ("} {
			if !strings.Contains(string(b), want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
	}
	rows := readCSV(t, filepath.Join(out, "summary.csv"))
	col := slices.Index(rows[0], "reference_share")
	for _, row := range rows[1:] {
		if share, err := strconv.ParseFloat(row[col], 64); col < 0 || err != nil || share <= 0 || share >= 1 {
			t.Errorf("summary.csv: reference_share %q (column %d)", row[max(col, 0)], col)
		}
	}
	var rowSum float64
	for _, c := range res.Scenes[0].RowCosts {
		rowSum += c
	}
	rows = readCSV(t, filepath.Join(out, "model.csv"))
	col = slices.Index(rows[0], "prefix_s")
	for _, row := range rows[1:] {
		prefix, _ := strconv.ParseFloat(row[col], 64)
		makespan, _ := strconv.ParseFloat(row[4], 64)
		speedup, _ := strconv.ParseFloat(row[5], 64)
		if math.Abs(prefix/ref-1) > 1e-5 || makespan < prefix || speedup > (prefix+rowSum)/prefix*(1+1e-9) {
			t.Errorf("model.csv: %v: prefix %v (want %v), makespan %v, speedup %v (Amdahl: at most %v)", row[:4], prefix, ref, makespan, speedup, (prefix+rowSum)/prefix)
		}
	}
	if b, err := os.ReadFile(filepath.Join(out, "charts", "speedup-deep.svg")); err != nil || !strings.Contains(string(b), "Amdahl") {
		t.Errorf("charts/speedup-deep.svg lacks Amdahl's bound (%v)", err)
	}
	if rows := readCSV(t, filepath.Join(out, "model-validation.csv")); len(rows) != len(res.Summaries)+1 {
		t.Errorf("model-validation.csv: %d rows, want one per configuration, %d", len(rows)-1, len(res.Summaries))
	}
}
