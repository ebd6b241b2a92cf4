package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// TestVerboseTimeSplit checks that --verbose says where the wall time went:
// iterating, colouring and encoding, in seconds and in shares that add up.
func TestVerboseTimeSplit(t *testing.T) {
	line := regexp.MustCompile(`(?m)^time: render ([0-9.]+)s \(([0-9]+)%\), paint ([0-9.]+)s \(([0-9]+)%\), encode ([0-9.]+)s \(([0-9]+)%\)$`)
	for _, out := range []string{"DIR/o.png", "DIR/o.pbm", "DIR/o.jpg"} {
		t.Run(out, func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := mandel(t, dir, "--size", "300x200", "-w", "2", "-v", out)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			m := line.FindStringSubmatch(stderr)
			if m == nil {
				t.Fatalf("--verbose has no line time: render Xs (P%%), paint Ys (Q%%), encode Zs (R%%):\n%s", stderr)
			}
			var secs float64
			pct := 0
			for i := 1; i < len(m); i += 2 {
				s, err := strconv.ParseFloat(m[i], 64)
				if err != nil {
					t.Fatal(err)
				}
				p, _ := strconv.Atoi(m[i+1])
				secs, pct = secs+s, pct+p
			}
			if secs <= 0 {
				t.Errorf("the three steps took no time in all: %q", m[0])
			}
			if pct < 98 || pct > 102 {
				t.Errorf("the shares add up to %d%%, want 100%% give or take rounding: %q", pct, m[0])
			}
		})
	}
}

// framePBM is what the frame path writes for v: the reference kernel's frame,
// painted black and white and encoded as PBM.
func framePBM(t *testing.T, v render.View) []byte {
	t.Helper()
	r, err := render.NewRenderer(v, 1, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	canvas := render.BitmapCanvas(r.Frame(), 1)
	if _, err := canvas.Task()(0, 0, v.Height); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := imageio.Encode(&buf, canvas.Image, imageio.PBM); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func preset(t *testing.T, name string, w, h int) render.View {
	t.Helper()
	p, err := render.LookupPreset(name)
	if err != nil {
		t.Fatal(err)
	}
	p.View.Width, p.View.Height = w, h
	return p.View
}

// TestBitPathToStdout checks the bit path through standard output, and that
// --verbose says which path and kernel rendered.
func TestBitPathToStdout(t *testing.T) {
	code, stdout, stderr := mandel(t, t.TempDir(), "--view", "benchgame", "--size", "30", "-f", "pbm", "-v", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if want := framePBM(t, preset(t, "benchgame", 30, 30)); stdout != string(want) {
		t.Errorf("stdout differs from the frame path's output")
	}
	if !strings.Contains(stderr, "bit path: 1 bit per pixel, "+render.AutoKernel()+" kernel") {
		t.Errorf("--verbose does not name the bit path:\n%s", stderr)
	}
	// The bit path takes no shortcuts, whatever --shortcuts says.
	if strings.Contains(stderr, "shortcuts on") || !strings.Contains(stderr, "shortcuts none (bit path)") {
		t.Errorf("--verbose claims shortcuts on the bit path:\n%s", stderr)
	}
}

// TestBitPathMemory checks that the memory check counts the bitmap, not a
// frame: the Benchmarks Game's 16000x16000 needs 32 MB, not 3 GB.
func TestBitPathMemory(t *testing.T) {
	for _, tc := range []struct {
		format string
		ok     bool
	}{{"pbm", true}, {"pgm", true}, {"jpeg", false}} { // pgm goes in strips; jpeg cannot
		f := newRenderFlags(testApp(io.Discard, io.Discard))
		f.available = func() float64 { return 200 << 20 }
		if err := cli.Parse(f.fs, []string{"--view", "benchgame", "-f", tc.format, "-"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.config(); (err == nil) != tc.ok {
			t.Errorf("%s with 200 MB available: config error %v, want ok=%v", tc.format, err, tc.ok)
		}
	}
}

// TestBitPathInterrupt cancels a bit-path render under way: exit 130 and
// no file.
func TestBitPathInterrupt(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	var stderr bytes.Buffer
	// Seconds of work at full depth: only an interruption ends it quickly.
	args := []string{"--view", "interior", "--size", "2000", "--maxiter", "65536", "-w", "2", filepath.Join(dir, "o.pbm")}
	if code := runContext(ctx, args, new(bytes.Buffer), &stderr); code != exitInterrupted {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitInterrupted, stderr.String())
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("interrupted run left files: %v", files)
	}
}

// TestNoProgressOffTerminal: stderr that is not a terminal, or --quiet,
// gets no progress line, even from a render that outlasts the delay.
func TestNoProgressOffTerminal(t *testing.T) {
	for _, c := range []struct {
		name     string
		terminal bool
		args     []string
	}{
		{"not a terminal", false, nil},
		{"quiet", true, []string{"--quiet"}},
		{"q", true, []string{"-q"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			args := append(c.args, "--size", "400x300", "--maxiter", "3000", dir+"/o.png")
			var out, errOut bytes.Buffer
			a := testApp(&out, &errOut)
			a.progressDelay, a.isTerminal = 0, func(io.Writer) bool { return c.terminal }
			code, stdout, stderr := a.run(context.Background(), args), out.String(), errOut.String()
			if code != 0 || stdout != "" || stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 0 and nothing printed", code, stdout, stderr)
			}
		})
	}
}

// TestInterruptStrips cancels a render in strips under way, with strips
// already written: exit 130, no file, and (TestMain's goleak) no goroutine
// of the png writer left behind.
func TestInterruptStrips(t *testing.T) {
	forceStrips(t, 4)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	var stderr bytes.Buffer
	code := runContext(ctx, []string{"--view", "spiral", "--size", "400x2000", "-w", "2", filepath.Join(dir, "o.png")}, new(bytes.Buffer), &stderr)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d; stderr %q", code, exitInterrupted, stderr.String())
	}
	if files := dirEntries(t, dir); len(files) != 0 {
		t.Errorf("interrupted run left files: %v", files)
	}
}

// TestShardProgress: a shard's progress line counts the shard's rows, not
// the whole image's.
func TestShardProgress(t *testing.T) {
	dir := t.TempDir()
	var errOut bytes.Buffer
	a := testApp(new(bytes.Buffer), &errOut)
	a.progressDelay, a.isTerminal = 0, func(io.Writer) bool { return true }
	code := a.run(context.Background(), []string{"--shard", "2/4", "-w", "1", "--shortcuts=false", "--size", "400x400", "--maxiter", "20000", dir + "/s-%d.png"})
	stderr := errOut.String()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := regexp.MustCompile(`rows \d+/(\d+) `).FindAllStringSubmatch(stderr, -1)
	if len(lines) == 0 {
		t.Fatalf("no progress line in %q", stderr)
	}
	for _, l := range lines {
		if l[1] != "100" {
			t.Errorf("progress %q: want the shard's 100 rows as the total", l[0])
		}
	}
}

// panicky is a strategy whose tasks panic.
type panicky struct{ strategies.Strategy }

func (p panicky) Run(ctx context.Context, n int, opts strategies.Options, task strategies.Task) (*strategies.Report, error) {
	return p.Strategy.Run(ctx, n, opts, func(int, int, int) (int64, error) { panic("boom") })
}

// TestPanicStack: a task's panic fails the render with one line, and
// --verbose prints its stack first.
func TestPanicStack(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		dir := t.TempDir()
		args := []string{"--size", "20", filepath.Join(dir, "o.png")}
		if verbose {
			args = append(args, "-v")
		}
		f, err := parseRender(t, args...)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := f.config()
		if err != nil {
			t.Fatal(err)
		}
		cfg.job.Strategy = panicky{strategies.Steal}
		var stderr bytes.Buffer
		a := testApp(new(bytes.Buffer), &stderr)
		code := report(&stderr, a.renderImage(context.Background(), cfg))
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		last := lines[len(lines)-1]
		if code != exitFailure || !strings.HasPrefix(last, "mandel: render: ") || !strings.Contains(last, "boom") {
			t.Errorf("-v %v: exit %d, last line %q; want 1 and the panic's one line", verbose, code, last)
		}
		if hasStack := strings.Contains(stderr.String(), "goroutine "); hasStack != verbose {
			t.Errorf("-v %v: stack printed: %v\n%s", verbose, hasStack, stderr.String())
		}
		if files := dirEntries(t, dir); len(files) != 0 {
			t.Errorf("a failed render left %v", files)
		}
	}
}

// TestVerboseReportsStripsAndShard checks -v's lines on how the image was
// cut: the strips, and a shard's rows.
func TestVerboseReportsStripsAndShard(t *testing.T) {
	dir := t.TempDir()
	forceStrips(t, 7)
	code, _, stderr := mandel(t, dir, "-v", "-q", "--size", "40x30", "DIR/o.png")
	if want := "\nstrips: 5 of 7 rows ("; code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant a line beginning %q", code, stderr, want[1:])
	}
	code, _, stderr = mandel(t, dir, "-v", "-q", "--shard", "1/3", "--size", "40x30", "DIR/s-%d.png")
	if want := "\nshard 1/3: rows 10-19 of 30\n"; code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant the line %q", code, stderr, want[1:len(want)-1])
	}
}

// TestVerboseDeep: a view past float64's reach renders by perturbation
// without being asked, and -v says so: the view's exact decimals, the
// method, the reference orbit's time next to render, paint and encode,
// and what BLA skipped. --method direct refuses it, stating the rule.
func TestVerboseDeep(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "-v", "-q", "--center", "0,1.000000000000000000000000000000000000001", "--scale", "1e-100", "--size", "40x30", "--maxiter", "auto", "DIR/o.png")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^strategy steal, .* maxiter 26151,`),
		regexp.MustCompile(`(?m)^time: reference [0-9.]+s \([0-9]+%\), render [0-9.]+s \([0-9]+%\), paint [0-9.]+s \([0-9]+%\), encode [0-9.]+s \([0-9]+%\)$`),
		regexp.MustCompile(`(?m)^view: centre 0,1.000000000000000000000000000000000000001, scale 1e-100, method perturb$`),
		regexp.MustCompile(`(?m)^perturbation: reference orbit of [0-9]+ iterations \((escaped|reached maxiter|ended: [^)]*)\) at [0-9]+ bits in .*; BLA skipped [0-9]+ of [0-9]+ iterations \([0-9.]+%\), table .*$`),
	} {
		if !want.MatchString(stderr) {
			t.Errorf("-v has no line matching %s:\n%s", want, stderr)
		}
	}
	code, _, stderr = mandel(t, dir, "-q", "--method", "direct", "--scale", "1e-100", "--size", "40x30", "DIR/o.png")
	if want := "mandel: invalid view: scale 1e-100 is too deep for float64 (--method direct): pixels must be at least 4 float64 steps apart"; code != 2 || !strings.HasPrefix(stderr, want) {
		t.Errorf("--method direct at 1e-100: exit %d, %q", code, stderr)
	}
}
