package kfr

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/internal/decimal"
)

// maxIter is the tests' limit on Iterations, render.MaxMaxIter's value.
const maxIter = 1 << 30

// TestParse reads the spiral location that the command's tests render:
// its centre to every digit, its Zoom and Iterations; KF's other keys are
// ignored.
func TestParse(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "spiral.kfr"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(data, maxIter)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		got  decimal.Number
		want string
	}{
		{"Re", l.Re, "-0.743643887037158704752191506114774"},
		{"Im", l.Im, "0.131825904205311970493132056385139"},
		{"Zoom", l.Zoom, "2.5e+20"},
	} {
		if c.got.String() != c.want {
			t.Errorf("%s %s, want %s", c.name, c.got, c.want)
		}
	}
	if l.Iterations != 3000 {
		t.Errorf("Iterations %d, want 3000", l.Iterations)
	}
	// Saved by an editor that writes a byte order mark first.
	l, err = Parse(append([]byte("\xef\xbb\xbf"), data...), maxIter)
	if err != nil || l.Re.String() != "-0.743643887037158704752191506114774" {
		t.Errorf("with a byte order mark: %+v, %v", l, err)
	}
	// Without Iterations, and with spaces and blank lines.
	l, err = Parse([]byte("\n  Re:  0 \nIm:1\n\nZoom: 4\n"), maxIter)
	if err != nil || l.Iterations != 0 || l.Im.String() != "1" {
		t.Errorf("a minimal location: %+v, %v", l, err)
	}
}

// TestParseRefuses: each file mandel cannot take is one error that names
// the line, where there is one.
func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"empty", "", "no Re: line"},
		{"no zoom", "Re: 0\nIm: 1\n", "no Zoom: line"},
		{"hex", "Re: 0x1p3\nIm: 1\nZoom: 1\n", `line 1: Re "0x1p3"`},
		{"underscore", "Re: 0\nIm: 1_0\nZoom: 1\n", `line 2: Im "1_0"`},
		{"zero zoom", "Re: 0\nIm: 1\nZoom: 0\n", "line 3: Zoom 0: want a positive number"},
		{"iterations", "Re: 0\nIm: 1\nZoom: 1\nIterations: lots\n", `line 4: Iterations "lots"`},
		{"iterations 0", "Re: 0\nIm: 1\nZoom: 1\nIterations: 0\n", `line 4: Iterations "0": want an integer in 1..`},
		{"burning ship", "Re: 0\nIm: 1\nZoom: 1\nFractalType: 1\n", "line 4: FractalType 1: mandel renders the Mandelbrot set, KF's FractalType 0"},
		{"power", "Re: 0\nIm: 1\nZoom: 1\nPower: 3\n", "line 4: Power 3"},
		{"no colon", "Re: 0\nIm 1\n", `line 2: want Key: value, got "Im 1"`},
		{"twice", "Re: 0\nRe: 1\n", "line 2: Re is given twice"},
		{"long line", "Re " + strings.Repeat("9", 100), `got "Re 9999999999999999999999999999999999999..."`},
		{"too large", strings.Repeat("\n", MaxSize+1), "over 64 KiB, too large for a Kalles Fraktaler location"},
	} {
		l, err := Parse([]byte(c.text), maxIter)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %+v, %v; want one line with %q", c.name, l, err, c.want)
		}
	}
	// The caller's limit, not a fixed one.
	if _, err := Parse([]byte("Re: 0\nIm: 1\nZoom: 1\nIterations: 11\n"), 10); err == nil || !strings.Contains(err.Error(), `Iterations "11": want an integer in 1..10`) {
		t.Errorf("Iterations 11 of at most 10: %v", err)
	}
}

// TestScale: the height spans 4/Zoom, to 20 digits; a scale out of the
// decimal grammar's range is the file's error.
func TestScale(t *testing.T) {
	zoom, _ := decimal.Parse("2.5e20")
	l := &Location{Zoom: zoom}
	for _, c := range []struct {
		w, h int
		want string
	}{
		{32, 18, "2.8444444444444444444e-20"}, // 4/2.5e20 x 32/18
		{16, 16, "1.6e-20"},
		{18, 32, "9e-21"},
	} {
		s, err := l.Scale(c.w, c.h)
		if err != nil || s.String() != c.want {
			t.Errorf("%dx%d: scale %s, %v; want %s", c.w, c.h, s, err, c.want)
		}
	}
	l.Zoom, _ = decimal.Parse("1e-100000")
	if _, err := l.Scale(1000, 1); err == nil || !strings.Contains(err.Error(), "gives a scale of 4.000e+100003 for 1000x1 pixels") {
		t.Errorf("an extreme Zoom: %v", err)
	}
}

func TestIs(t *testing.T) {
	for path, want := range map[string]bool{
		"spiral.kfr": true, "dir/SPIRAL.KFR": true, ".kfr": true,
		"spiral.kfr.png": false, "spiral.png": false, "kfr": false, "a.kfr/b": false, "": false,
	} {
		if Is(path) != want {
			t.Errorf("Is(%q) = %v, want %v", path, !want, want)
		}
	}
}
