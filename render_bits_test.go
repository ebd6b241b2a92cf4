package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

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

// TestBitPathMatchesFramePath checks that a PBM taken by the bit path is, byte
// for byte, what the frame path writes, for every strategy and several worker
// counts and grains.
func TestBitPathMatchesFramePath(t *testing.T) {
	dir := t.TempDir()
	type tc struct {
		args []string
		view render.View
	}
	var cases []tc
	for _, n := range []int{1, 7, 8, 9, 17, 63, 64, 65, 200} {
		cases = append(cases, tc{[]string{"--view", "benchgame", "--size", fmt.Sprint(n)}, preset(t, "benchgame", n, n)})
	}
	sea := preset(t, "seahorse", 37, 23)
	sea.MaxIter = 300
	cases = append(cases, tc{[]string{"--view", "seahorse", "--size", "37x23", "--maxiter", "300"}, sea})
	for _, c := range cases {
		if !render.CanRenderBits(c.view, 1) {
			t.Fatalf("%v: not a bit-path view", c.args)
		}
		want := framePBM(t, c.view)
		t.Run(strings.Join(c.args[1:], " "), func(t *testing.T) {
			for _, s := range strategies.Names() {
				for _, w := range []int{1, 2, 3, 7} {
					for _, g := range []int{1, 5} {
						out := filepath.Join(dir, "o.pbm")
						args := append(c.args, "-s", s, "-w", fmt.Sprint(w), "-g", fmt.Sprint(g), out)
						if code, _, stderr := mandel(t, dir, args...); code != 0 {
							t.Fatalf("%v: exit %d: %s", args, code, stderr)
						}
						if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
							t.Errorf("%s -w %d -g %d: output differs from the frame path's", s, w, g)
						}
					}
				}
			}
		})
	}
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
}

// TestBitPathOnlyWhereExact checks that PBMs the bit path cannot render
// exactly still come out right, through the frame path.
func TestBitPathOnlyWhereExact(t *testing.T) {
	dir := t.TempDir()
	full := preset(t, "full", 41, 29)
	if render.CanRenderBits(full, 1) {
		t.Fatal("the full view should need the frame path")
	}
	out := filepath.Join(dir, "o.pbm")
	if code, _, stderr := mandel(t, dir, "--size", "41x29", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, framePBM(t, full)) {
		t.Error("the full view's PBM differs from the frame path's")
	}
	_, _, stderr := mandel(t, dir, "--size", "41x29", "-v", out)
	if strings.Contains(stderr, "bit path") {
		t.Errorf("--verbose claims the bit path for the full view:\n%s", stderr)
	}
}

// TestBitPathMemory checks that the memory check counts the bitmap, not a
// frame: the Benchmarks Game's 16000x16000 needs 32 MB, not 3 GB.
func TestBitPathMemory(t *testing.T) {
	saved := availableMemory
	defer func() { availableMemory = saved }()
	availableMemory = func() float64 { return 200 << 20 }
	for _, tc := range []struct {
		format string
		ok     bool
	}{{"pbm", true}, {"pgm", true}, {"jpeg", false}} { // pgm goes in strips; jpeg cannot
		f := newRenderFlags()
		if err := parseFlags(f.fs, []string{"--view", "benchgame", "-f", tc.format, "-"}); err != nil {
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

// TestBitPathStrips checks that the bytes do not depend on the strip size:
// a strip of one row, of a few rows that do not divide the height, and the
// whole bitmap, with a static and a dynamic strategy.
func TestBitPathStrips(t *testing.T) {
	defer func(b int) { bitsStripBytes = b }(bitsStripBytes)
	dir := t.TempDir()
	want := framePBM(t, preset(t, "benchgame", 65, 65))
	for _, stripBytes := range []int{1, 9 * 7, 1 << 22} {
		bitsStripBytes = stripBytes
		for _, s := range []string{"cyclic", "steal"} {
			t.Run(fmt.Sprintf("%d bytes/%s", stripBytes, s), func(t *testing.T) {
				out := filepath.Join(dir, "o.pbm")
				if code, _, stderr := mandel(t, dir, "--view", "benchgame", "--size", "65", "-s", s, "-w", "3", out); code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
					t.Errorf("output differs from the frame path's")
				}
			})
		}
	}
}
