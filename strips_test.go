package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	_ "golang.org/x/image/bmp"

	"github.com/mandel-project/mandel/internal/progress"
)

// forceStrips makes every render that streams go in strips of rows rows
// (0: as the budget says) for the rest of the test.
func forceStrips(t *testing.T, rows int) {
	old := stripRowsOverride
	stripRowsOverride = rows
	t.Cleanup(func() { stripRowsOverride = old })
}

// TestStripsSameBytes: a render in strips writes the bytes of the
// whole-image render, whatever the strip height, strategy and workers, for
// every format that streams, paletted (aa 1) and RGB (aa 2).
func TestStripsSameBytes(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"png", "bmp", "ppm", "pgm", "pbm"} {
		for _, aa := range []string{"1", "2"} {
			args := []string{"--size", "301x203", "--aa", aa, "--center=-0.75,0.1", "--scale", "2.6", "--maxiter", "300"}
			if ext == "pbm" {
				// The bit path has its own strips; this is the
				// painted one.
				args = append(args, "--view", "seahorse")
			}
			ref := filepath.Join(dir, "whole."+ext)
			forceStrips(t, 0)
			if code, _, stderr := mandel(t, dir, append(args, ref)...); code != 0 {
				t.Fatalf("%s aa %s: whole image: %s", ext, aa, stderr)
			}
			want, err := os.ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				rows     int
				strategy string
				workers  string
			}{{1, "steal", "3"}, {7, "bands", "2"}, {64, "serial", "1"}, {64, "guided", "3"}, {202, "cyclic", "2"}} {
				t.Run(fmt.Sprintf("%s/aa%s/rows%d/%s/w%s", ext, aa, c.rows, c.strategy, c.workers), func(t *testing.T) {
					forceStrips(t, c.rows)
					out := filepath.Join(dir, "strips."+ext)
					code, _, stderr := mandel(t, dir, append(args, "-v", "-s", c.strategy, "-w", c.workers, out)...)
					if code != 0 {
						t.Fatalf("exit %d: %s", code, stderr)
					}
					strips := (203 + c.rows - 1) / c.rows
					if !strings.Contains(stderr, fmt.Sprintf("strips: %d of %d rows", strips, c.rows)) {
						t.Errorf("the report does not say %d strips of %d rows: %s", strips, c.rows, stderr)
					}
					if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
						t.Fatalf("%d bytes differ from the whole image's %d", len(got), len(want))
					}
				})
			}
		}
	}
}

// TestStripsDecode: a png and a bmp rendered in strips decode to the
// whole-image render's pixels (the bytes are the same, so this checks the
// whole-image render too).
func TestStripsDecode(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{"png", "bmp"} {
		t.Run(ext, func(t *testing.T) {
			decode := func(rows int) image.Image {
				forceStrips(t, rows)
				out := filepath.Join(dir, fmt.Sprint(rows, ".", ext))
				if code, _, stderr := mandel(t, dir, "--size", "301x203", out); code != 0 {
					t.Fatal(stderr)
				}
				b, err := os.ReadFile(out)
				if err != nil {
					t.Fatal(err)
				}
				m, _, err := image.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			want, got := decode(0), decode(5)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
			}
			for y := 0; y < 203; y++ {
				for x := 0; x < 301; x++ {
					if got.At(x, y) != want.At(x, y) {
						t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got.At(x, y), want.At(x, y))
					}
				}
			}
		})
	}
}

// TestMemoryPlan: the budget and wholeImageCap pick the whole image or
// strips, and the strip height follows the smaller of the two.
func TestMemoryPlan(t *testing.T) {
	for _, c := range []struct {
		args       []string
		whole      bool
		minRows    int
		maxRows    int
		wantErrSub string
	}{
		{[]string{"--size", "1000", "o.png"}, true, 0, 0, ""},                                    // 12.9 MB: within the default
		{[]string{"--size", "1000", "--memory", "8MiB", "-w", "1", "o.png"}, false, 30, 400, ""}, // ~12.5 KB a row
		{[]string{"--size", "1000", "--memory", "8MiB", "o.jpg"}, false, 0, 0, "jpeg needs the whole image"},
		{[]string{"--size", "1000", "--memory", "8MiB", "o.gif"}, false, 0, 0, "gif needs the whole image"},
		{[]string{"--size", "1000", "--memory", "8MiB", "o.tiff"}, false, 0, 0, "tiff needs the whole image"},
		// Past wholeImageCap (32 MiB) strips are cheaper than a whole
		// frame touched for the first time, whatever the budget.
		{[]string{"--size", "4096", "--memory", "4GiB", "o.pgm"}, false, 400, 700, ""}, // 208 MiB whole, ~53 KB a row
		{[]string{"--size", "32768", "o.png"}, false, 30, 60, ""},
		{[]string{"--size", "32768", "--aa", "2", "o.png"}, false, 5, 20, ""},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			f := newRenderFlags()
			if err := parseFlags(f.fs, c.args); err != nil {
				t.Fatal(err)
			}
			cfg, err := f.config()
			if c.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErrSub) {
					t.Fatalf("got %v, want an error with %q", err, c.wantErrSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := cfg.plan
			if c.whole != (p.rows == 0) {
				t.Fatalf("rows %d, want the whole image: %v", p.rows, c.whole)
			}
			if !c.whole && (p.rows < c.minRows || p.rows > c.maxRows) {
				t.Errorf("strips of %d rows, want %d..%d", p.rows, c.minRows, c.maxRows)
			}
			if p.need > p.budget {
				t.Errorf("needs %v, over the budget %v", p.need, p.budget)
			}
		})
	}
}

func TestMemoryValue(t *testing.T) {
	for in, want := range map[string]float64{
		"512MiB": 512 << 20, "2GiB": 2 << 30, "2G": 2 << 30, "1.5gib": 1.5 * (1 << 30),
		"100MB": 100e6, "1048576": 1 << 20, "4096K": 4 << 20, "1 TiB": 1 << 40,
	} {
		var m memoryValue
		if err := m.Set(in); err != nil || m.bytes != want {
			t.Errorf("Set(%q): %v, %v; want %v", in, m.bytes, err, want)
		}
	}
	for _, in := range []string{"", "lots", "2GiBs", "-1GiB", "1KiB", "NaNMiB", "InfGiB", "1e400"} {
		var m memoryValue
		if err := m.Set(in); err == nil {
			t.Errorf("Set(%q) = %v, want an error", in, m.bytes)
		}
	}
}

// TestRenderProgressLine: the line counts the rows of the blocks done, and
// its rate and time left follow the clock.
func TestRenderProgressLine(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(1e9, 0)
	line := progress.New(&buf)
	line.Now = func() time.Time { return now }
	p := newRenderProgress(line, 1000)
	task := p.count(func(worker, lo, hi int) (int64, error) { return int64(hi - lo), nil })
	task(0, 0, 100)
	task(1, 500, 600)
	now = now.Add(4 * time.Second)
	p.show()
	if got, want := buf.String(), "\rrows 200/1000 (20.0%)  50.0 rows/s  ETA 16s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	buf.Reset()
	p.stop()
	p.stop()
	if got := buf.String(); got != "\r"+strings.Repeat(" ", 43)+"\r" {
		t.Errorf("stop wrote %q, want the line erased once", got)
	}
}

// TestNoProgressOffTerminal: stderr that is not a terminal, or --quiet,
// gets no progress line, even from a render that outlasts the delay.
func TestNoProgressOffTerminal(t *testing.T) {
	oldDelay, oldTerm := progressDelay, stderrIsTerminal
	t.Cleanup(func() { progressDelay, stderrIsTerminal = oldDelay, oldTerm })
	progressDelay = 0
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
			stderrIsTerminal = func(io.Writer) bool { return c.terminal }
			dir := t.TempDir()
			args := append(c.args, "--size", "400x300", "--maxiter", "3000", "DIR/o.png")
			code, stdout, stderr := mandel(t, dir, args...)
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
	oldDelay, oldTerm := progressDelay, stderrIsTerminal
	t.Cleanup(func() { progressDelay, stderrIsTerminal = oldDelay, oldTerm })
	progressDelay = 0
	stderrIsTerminal = func(io.Writer) bool { return true }
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "--shard", "2/4", "-w", "1", "--shortcuts=false", "--size", "400x400", "--maxiter", "20000", "DIR/s-%d.png")
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
