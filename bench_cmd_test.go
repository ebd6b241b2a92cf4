package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	xtrace "golang.org/x/exp/trace"
	"golang.org/x/perf/benchfmt"

	"github.com/mandel-project/mandel/bench"
	benchreport "github.com/mandel-project/mandel/bench/report"
	"github.com/mandel-project/mandel/render"
)

// benchCmd runs `mandel bench args...` and returns its exit code and output.
func benchCmd(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runContext(ctx, append([]string{"bench"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// tinyBench is a sweep of a second or two: one scene at 32x24, two
// strategies, workers 1 and 2.
func tinyBench(out string) []string {
	return []string{"--out", out, "--scenes", "full", "--strategies", "bands,atomic", "--workers", "1,2", "--grain", "1",
		"--reps", "2", "--warmup", "0", "--size", "32x24", "--maxiter", "50", "--seed", "7", "--max-time", "0"}
}

func TestBenchBadInput(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	full := filepath.Join(dir, "full")
	os.Mkdir(full, 0o755)
	os.WriteFile(filepath.Join(full, "old.csv"), nil, 0o644)
	out := filepath.Join(dir, "res")
	envFile := filepath.Join(dir, "env.json")
	if err := bench.WriteJSON(envFile, &bench.Env{Sweep: bench.SweepInfo{Scenes: []bench.SceneInfo{{Name: "full", Width: 64, Height: 48}}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown scene", []string{"--scenes", "full,atlantis"}, "valid: full, seahorse"},
		{"empty scenes", []string{"--scenes", ""}, "--scenes"},
		{"unknown strategy", []string{"--strategies", "magic"}, "valid: serial"},
		{"empty strategy", []string{"--strategies", "steal,"}, "--strategies"},
		{"empty workers", []string{"--workers", ""}, "--workers"},
		{"zero workers", []string{"--workers", "0"}, "--workers"},
		{"negative workers", []string{"-workers=-2"}, "--workers"},
		{"workers not numbers", []string{"-w", "a,b"}, "--workers"},
		{"too many workers", []string{"-w", "1,100000"}, "workers must be in"},
		{"zero grain", []string{"--grain", "0"}, "--grain"},
		{"zero reps", []string{"--reps", "0"}, "reps must be at least 1"},
		{"negative warmup", []string{"--warmup", "-1"}, "--warmup must not be negative, got -1"},
		{"bad size", []string{"--size", "0x5"}, "--size"},
		{"size not a number", []string{"--size", "big"}, "--size"},
		{"negative maxiter", []string{"--maxiter", "-5"}, "--maxiter must not be negative, got -5"},
		{"negative target time", []string{"--target-time", "-1s"}, "target time must not be negative"},
		{"negative max time", []string{"--max-time", "-1s"}, "max time must not be negative"},
		{"min time without unit", []string{"--min-time", "3"}, "--min-time"},
		{"sizes from nowhere", []string{"--sizes-from", filepath.Join(dir, "none.json")}, "--sizes-from: open"},
		{"sizes from a file not env.json", []string{"--sizes-from", file}, "is not a sweep's env.json"},
		{"sizes from and a size", []string{"--sizes-from", envFile, "--size", "64"}, "cannot be combined"},
		{"zero size factor", []string{"--size-factor", "0"}, "--size-factor must be in 1..64, got 0"},
		{"size beyond memory", []string{"--size", "300000x300000"}, "needs about"},
		{"an argument", []string{"results"}, "no arguments"},
		{"seed zero", []string{"--seed", "0"}, "--seed must be positive"},
		{"unknown flag", []string{"--colour", "red"}, "unknown flag"},
		{"unknown kernel", []string{"--kernel", "gpu"}, "valid: auto, scalar, avx2"},
		{"out is a file", []string{"--out", file}, "output directory"},
		{"out not empty", []string{"--out", full}, "not empty"},
		// The trace and the profile: found before the sweep, not after it.
		{"trace inside out", []string{"--trace", filepath.Join(out, "t.out")}, "--trace " + strconv.Quote(filepath.Join(out, "t.out")) + " is inside the results directory"},
		{"profile is out", []string{"--cpuprofile", out}, "--cpuprofile " + strconv.Quote(out) + " is inside the results directory"},
		{"trace a directory", []string{"--trace", dir}, "--trace " + strconv.Quote(dir) + " is a directory"},
		{"trace and profile one file", []string{"--trace", filepath.Join(dir, "p"), "--cpuprofile", filepath.Join(dir, ".", "p")}, "name the same file"},
	} {
		args := append([]string{"--out", out}, tc.args...)
		code, stdout, stderr := benchCmd(t, context.Background(), args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want 2 (stderr %q)", tc.name, code, stderr)
		}
		if stdout != "" {
			t.Errorf("%s: wrote to stdout: %q", tc.name, stdout)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mandel: ") || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: want one line on stderr with %q, got %q", tc.name, tc.want, stderr)
		}
	}
	if files := dirEntries(t, dir); strings.Join(files, " ") != "env.json file full" {
		t.Errorf("bad input created files: %v", files)
	}
}

// TestBenchTinySweep runs a tiny sweep with --trace, and checks its output
// and files, and that the trace has the timed runs' blocks as regions, for
// every strategy of the sweep (one sweep for both: each draws a dozen
// charts at 1600 pixels, 12 s of CPU under the race detector).
func TestBenchTinySweep(t *testing.T) {
	dir := t.TempDir()
	out, tr := filepath.Join(dir, "res"), filepath.Join(dir, "t.out")
	args := append(tinyBench(out), "--trace", tr)
	code, stdout, stderr := benchCmd(t, context.Background(), args...)
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "| full | atomic | 2 | 1 |") || !strings.Contains(stdout, "results in "+out) {
		t.Errorf("stdout lacks the table or the directory:\n%s", stdout)
	}
	if !regexp.MustCompile(`(?m)^  full 2w: \w+ fastest \(.*\), [0-9.]+x ahead of \w+ \(p[=<]`).MatchString(stdout) {
		t.Errorf("stdout lacks the ranking of full at 2 workers:\n%s", stdout)
	}
	if strings.Contains(stderr, "\r") {
		t.Errorf("a progress line on a stderr that is not a terminal: %q", stderr)
	}
	// 32x24 pixels make runs far below the floor: the warning comes as it
	// arises and again after the table, under a count.
	if i, j := strings.Index(stderr, "shorter than 10 ms"), strings.Index(stderr, "(also at the top of summary.md):\n"); i < 0 || j < i ||
		!strings.Contains(stderr[j:], "shorter than 10 ms") {
		t.Errorf("stderr does not warn of the short runs, then list the warnings at the end:\n%s", stderr)
	}
	for _, name := range []string{"runs.csv", "summary.csv", "summary.json", "summary.md", "env.json", "bench.txt",
		"charts/speedup-full.png", "charts/speedup-full.svg", "pictures/full/schedule-bands.png"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	var env struct {
		Partial      bool     `json:"partial"`
		Args         []string `json:"args"`
		RenderKernel string   `json:"render_kernel"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "env.json"))
	if err := json.Unmarshal(b, &env); err != nil || env.Partial || strings.Join(env.Args, " ") != "mandel bench "+strings.Join(args, " ") {
		t.Errorf("env.json: %v, %+v", err, env)
	}
	if env.RenderKernel != render.AutoKernel() {
		t.Errorf("env.json: render_kernel %q, want %q (what auto picks here)", env.RenderKernel, render.AutoKernel())
	}
	if md, _ := os.ReadFile(filepath.Join(out, "summary.md")); !strings.Contains(string(md), "Render kernel: "+render.AutoKernel()+".") {
		t.Errorf("summary.md does not name the render kernel")
	}
	f, err := os.Open(filepath.Join(out, "bench.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := benchfmt.NewReader(f, "bench.txt")
	n := 0
	for r.Scan() {
		if _, ok := r.Result().(*benchfmt.Result); ok {
			n++
		}
	}
	if want := (1 + 2*2) * 2; n != want { // serial, then 2 strategies x 2 worker counts, 2 reps each
		t.Errorf("bench.txt has %d results, want %d", n, want)
	}

	block := regexp.MustCompile(`^(\w+) w(\d+) rows \d+-\d+$`)
	seen := map[string]int{}
	for _, name := range traceRegions(t, tr) {
		if m := block.FindStringSubmatch(name); m != nil {
			seen[m[1]+" w"+m[2]]++
		}
	}
	// bands gives each worker its band, so both always have regions;
	// atomic's second worker may find every row claimed before it starts
	// (it did under -race on a loaded machine), so it is allowed, not
	// required.
	required := []string{"serial w0", "bands w0", "bands w1", "atomic w0"}
	for _, w := range required {
		if seen[w] == 0 {
			t.Errorf("no block region of %s in the trace (regions per strategy and worker: %v)", w, seen)
		}
	}
	for w := range seen {
		if !slices.Contains(required, w) && w != "atomic w1" {
			t.Errorf("a block region of %s in the trace, want only %v and atomic w1 (regions: %v)", w, required, seen)
		}
	}
	// Each run is a task named by its configuration, scene and worker
	// count included: the 2 timed runs, and a traced one at the largest
	// worker count (and serial's).
	tasks := map[string]int{}
	for _, name := range traceNames(t, tr, xtrace.EventTaskBegin) {
		tasks[name]++
	}
	for want, n := range map[string]int{
		"scene full, strategy serial, 1 worker, grain 1":  3,
		"scene full, strategy bands, 1 worker, grain 1":   2,
		"scene full, strategy bands, 2 workers, grain 1":  3,
		"scene full, strategy atomic, 1 worker, grain 1":  2,
		"scene full, strategy atomic, 2 workers, grain 1": 3,
	} {
		if tasks[want] != n {
			t.Errorf("%d tasks %q in the trace, want %d (tasks: %v)", tasks[want], want, n, tasks)
		}
	}
}

func TestBenchInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, stdout, stderr := benchCmd(t, ctx, tinyBench(out)...)
	if code != exitInterrupted || stdout != "" {
		t.Errorf("exit %d, stdout %q; want 130 and nothing", code, stdout)
	}
	if !strings.Contains(stderr, "partial results") || !strings.Contains(stderr, out) {
		t.Errorf("stderr %q does not point at the partial results", stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, "env.json"))
	if err != nil || !bytes.Contains(b, []byte(`"partial": true`)) {
		t.Errorf("env.json (%v) not marked partial", err)
	}
}

// A sweep that stops early and also fails to write some results reports
// both, and does not claim that the partial results are all there.
func TestBenchFailedReportsEveryError(t *testing.T) {
	res := &bench.Result{Dir: "DIR"}
	res.Env.Sweep.RunsDone, res.Env.Sweep.RunsPlanned = 3, 10
	interrupted := fmt.Errorf("bench: interrupted after 3 of 10 timed runs: %w", context.Canceled)
	notWritten := errors.New("bench: writing DIR/summary.md: no space left on device (and 2 more files not written)")
	wrong := errors.New("bench: scene full, strategy x, 2 workers, grain 1: row 3 was rendered 2 times: the strategy did some work twice")
	for _, c := range []struct {
		name string
		err  error
		code int
		want []string
	}{
		{"interrupted", errors.Join(interrupted, nil), exitInterrupted,
			[]string{"mandel: interrupted; partial results (3 of 10 timed runs) in DIR"}},
		{"interrupted, not written", errors.Join(interrupted, notWritten), exitInterrupted,
			[]string{"mandel: " + notWritten.Error(), "mandel: interrupted; partial results (3 of 10 timed runs) in DIR, but some files could not be written (above)"}},
		{"wrong strategy, not written", errors.Join(wrong, notWritten), exitFailure,
			[]string{"mandel: " + wrong.Error(), "mandel: " + notWritten.Error()}},
		{"not written", errors.Join(nil, notWritten), exitFailure,
			[]string{"mandel: " + notWritten.Error()}},
	} {
		var stderr bytes.Buffer
		code := benchFailed(&stderr, res, c.err)
		if got := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n"); code != c.code || !slices.Equal(got, c.want) {
			t.Errorf("%s: exit %d, stderr:\n%s\nwant exit %d and:\n%s", c.name, code, stderr.String(), c.code, strings.Join(c.want, "\n"))
		}
	}
}

func TestBenchHelpAndList(t *testing.T) {
	code, stdout, _ := benchCmd(t, context.Background(), "--help")
	// Help wraps long commands with shell continuations; pasted, they are one line.
	unwrapped := regexp.MustCompile(` \\\n +`).ReplaceAllString(stdout, " ")
	if code != exitOK || !strings.Contains(stdout, "--workers") || !strings.Contains(unwrapped, benchreport.BenchstatCommand("results/<name>/bench.txt")) {
		t.Errorf("--help: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = benchCmd(t, context.Background(), "-list")
	if code != exitOK || !strings.Contains(stdout, "tophalf") || !strings.Contains(stdout, "(default)") {
		t.Errorf("--list: exit %d\n%s", code, stdout)
	}
}

// An output directory that cannot be created or written is a failure (exit
// 1), as for rendering, not a bad command line.
func TestBenchUnwritableOut(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "ro")
	if err := os.Mkdir(readOnly, 0o555); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, out string }{
		{"under a file", filepath.Join(file, "res")}, // ENOTDIR, even for root
		{"read-only", filepath.Join(readOnly, "res")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "read-only" && os.Geteuid() == 0 {
				t.Skip("root writes into a read-only directory")
			}
			code, stdout, stderr := benchCmd(t, context.Background(), tinyBench(c.out)...)
			if code != exitFailure || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 1 and nothing", code, stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "cannot create the output directory") {
				t.Errorf("want one line on stderr naming the directory, got %q", stderr)
			}
		})
	}
}

func TestBenchList(t *testing.T) {
	code, stdout, stderr := benchCmd(t, context.Background(), "--list")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"tophalf", "768x768", "(default)", "scales each so that one serial render takes --target-time (default 300ms)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--list lacks %q:\n%s", want, stdout)
		}
	}
}

func TestBenchTimeFlags(t *testing.T) {
	f, err := parseBench(t)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.config(nil)
	def := bench.DefaultConfig()
	if err != nil || cfg.TargetTime != def.TargetTime || cfg.MinTime != def.MinTime || cfg.MaxTime != def.MaxTime ||
		def.TargetTime != bench.DefaultTargetTime || def.MaxTime == 0 {
		t.Errorf("defaults: %v, %v, %v (%v); want %v, %v, %v", cfg.TargetTime, cfg.MinTime, cfg.MaxTime, err, def.TargetTime, def.MinTime, def.MaxTime)
	}
	f, err = parseBench(t, "--target-time", "50ms", "--min-time", "2s", "--max-time", "1m")
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err = f.config(nil); err != nil || cfg.TargetTime != 50*time.Millisecond || cfg.MinTime != 2*time.Second || cfg.MaxTime != time.Minute {
		t.Errorf("--target-time 50ms --min-time 2s --max-time 1m: %v, %v, %v (%v)", cfg.TargetTime, cfg.MinTime, cfg.MaxTime, err)
	}
	dir := t.TempDir()
	env := bench.Env{Sweep: bench.SweepInfo{Scenes: []bench.SceneInfo{{Name: "full", Width: 2816, Height: 2800}}}}
	if err := bench.WriteJSON(filepath.Join(dir, "env.json"), &env); err != nil {
		t.Fatal(err)
	}
	if f, err = parseBench(t, "--sizes-from", dir); err != nil {
		t.Fatal(err)
	}
	if cfg, err = f.config(nil); err != nil || cfg.SceneSizes["full"] != [2]int{2816, 2800} || len(cfg.SceneSizes) != 1 {
		t.Errorf("--sizes-from %s: %v (%v)", dir, cfg.SceneSizes, err)
	}
}

// Every field of summary.json is named in docs/benchmarking.md, which says
// what each means: spent_s and shortcuts were written but not explained.
func TestSummaryJSONFieldsDocumented(t *testing.T) {
	doc, err := os.ReadFile("docs/benchmarking.md")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(bench.Summary{})
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for f := range fields {
		if !bytes.Contains(doc, []byte("`"+f+"`")) {
			t.Errorf("summary.json's field %s is not in docs/benchmarking.md", f)
		}
	}
}
