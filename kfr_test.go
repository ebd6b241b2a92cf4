package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKFR: --from a Kalles Fraktaler location renders its centre, its
// Iterations as maxiter, and a scale whose height spans 4/Zoom for the
// size given; flags given override it, --view replaces the view.
func TestKFR(t *testing.T) {
	dir := t.TempDir()
	kfr := filepath.Join("testdata", "spiral.kfr")
	got := mustRender(t, dir, "DIR/k.png", "--from", kfr, "--size", "32x18")
	// 4/2.5e20 x 32/18, to 20 digits.
	want := mustRender(t, dir, "DIR/w.png", "--center=-0.743643887037158704752191506114774,0.131825904205311970493132056385139",
		"--scale", "2.8444444444444444444e-20", "--maxiter", "3000", "--size", "32x18")
	if !bytes.Equal(got, want) {
		t.Error("--from spiral.kfr is not the render of its centre, 4/Zoom high, at maxiter 3000")
	}
	if v, _ := textValue(t, filepath.Join(dir, "k.png"), "mandel:scale"); v != "2.8444444444444444444e-20" {
		t.Errorf("scale %s, want 2.8444444444444444444e-20", v)
	}
	// A square image: the width is the height, 4/Zoom = 1.6e-20.
	mustRender(t, dir, "DIR/sq.png", "--from", kfr, "--size", "16", "-m", "100")
	if v, _ := textValue(t, filepath.Join(dir, "sq.png"), "mandel:scale"); v != "1.6e-20" {
		t.Errorf("square: scale %s, want 1.6e-20", v)
	}
	if v, _ := textValue(t, filepath.Join(dir, "sq.png"), "mandel:maxiter"); v != "100" {
		t.Errorf("-m 100 after --from: maxiter %s", v)
	}
	// A zoom into the location ends at its view.
	if code, _, stderr := mandel(t, dir, "zoom", "--from", kfr, "--size", "32x18", "--frames", "2", "-m", "300", "DIR/z-%d.png"); code != 0 {
		t.Fatalf("zoom --from spiral.kfr: exit %d: %s", code, stderr)
	}
	if v, _ := textValue(t, filepath.Join(dir, "z-1.png"), "mandel:scale"); v != "2.8444444444444444444e-20" {
		t.Errorf("zoom --from spiral.kfr: the last frame's scale %s, want 2.8444444444444444444e-20", v)
	}
	mustRender(t, dir, "DIR/s.png", "--from", kfr, "--size", "16", "--scale", "1e-10", "-m", "100")
	if v, _ := textValue(t, filepath.Join(dir, "s.png"), "mandel:scale"); v != "1e-10" {
		t.Errorf("--scale after --from: scale %s, want 1e-10", v)
	}
	mustRender(t, dir, "DIR/v.png", "--from", kfr, "--size", "16", "--view", "seahorse")
	if v, _ := textValue(t, filepath.Join(dir, "v.png"), "mandel:view"); v != "seahorse" {
		t.Errorf("--view after --from: view %s", v)
	}
	if v, _ := textValue(t, filepath.Join(dir, "v.png"), "mandel:center"); strings.Contains(v, "0.7436438870371587047") {
		t.Errorf("--view after --from kept the location's centre %s", v)
	}
}

// TestKFRBadFiles: a .kfr that mandel cannot take is one line, exit 2,
// naming the file and the line (internal/kfr's tests have every reason).
func TestKFRBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ name, text, want string }{
		{"zero zoom", "Re: 0\nIm: 1\nZoom: 0\n", "line 3: Zoom 0: want a positive number"},
		{"no colon", "Re: 0\nIm 1\n", `line 2: want Key: value, got "Im 1"`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".kfr")
		if err := os.WriteFile(path, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := mandel(t, dir, "--from", path, "DIR/o.png")
		if code != 2 || !strings.Contains(stderr, c.want) || !strings.Contains(stderr, filepath.Base(path)) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want exit 2 and one line with %q", c.name, code, stderr, c.want)
		}
	}
	// A Zoom in range whose scale, at this size, is not.
	path := filepath.Join(dir, "extreme.kfr")
	if err := os.WriteFile(path, []byte("Re: 0\nIm: 0\nZoom: 1e-100000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mandel(t, dir, "--from", path, "--size", "1000x1", "DIR/o.png")
	if want := "gives a scale of 4.000e+100003"; code != 2 || !strings.Contains(stderr, want) || !strings.Contains(stderr, "extreme.kfr") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("extreme zoom: exit %d, %q; want exit 2 and one line with %q", code, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "o.png")); err == nil {
		t.Error("a bad .kfr left an image")
	}
}
