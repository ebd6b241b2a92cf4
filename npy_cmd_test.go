package main

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/render"
)

var npyHeader = regexp.MustCompile(`^\{'descr': '(<u4|<f4)', 'fortran_order': False, 'shape': \(([0-9]+), ([0-9]+)\), \} *\n`)

// TestNPYOutput: mandel o.npy writes the frame's iteration counts, and
// --format npy-smooth its smooth escape times, with the header numpy reads.
func TestNPYOutput(t *testing.T) {
	dir := t.TempDir()
	v, err := render.LookupPreset("seahorse")
	if err != nil {
		t.Fatal(err)
	}
	v.View.Width, v.View.Height = 40, 30
	r, err := render.NewRenderer(v.View, 1, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	f := r.Frame()
	for _, tc := range []struct{ args []string }{
		{[]string{"DIR/counts.npy"}},
		{[]string{"-f", "npy", "DIR/counts.bin"}},
		{[]string{"-f", "npy-smooth", "DIR/smooth.npy"}},
	} {
		args := append([]string{"-V", "seahorse", "--size", "40x30", "-s", "cyclic"}, tc.args...)
		if code, _, stderr := mandel(t, dir, args...); code != 0 {
			t.Fatalf("mandel %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.Base(tc.args[len(tc.args)-1])))
		if err != nil {
			t.Fatal(err)
		}
		// The magic and the header's length, then the header (a regexp
		// would read the magic's 0x93 as a broken UTF-8 sequence).
		if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
			t.Fatalf("%s: no npy 1.0 magic: %q", tc.args, b[:min(len(b), 10)])
		}
		m := npyHeader.FindSubmatch(b[10:])
		if m == nil || 10+len(m[0]) != 10+int(binary.LittleEndian.Uint16(b[8:])) || (10+len(m[0]))%64 != 0 {
			t.Fatalf("%s: header %q", tc.args, b[:min(len(b), 128)])
		}
		smooth := strings.Contains(strings.Join(tc.args, " "), "smooth")
		if h, w := string(m[2]), string(m[3]); h != "30" || w != "40" || (string(m[1]) == "<f4") != smooth {
			t.Fatalf("%s: %s of shape (%s, %s)", tc.args, m[1], h, w)
		}
		data := b[10+len(m[0]):]
		if len(data) != 4*40*30 {
			t.Fatalf("%s: %d bytes of data", tc.args, len(data))
		}
		for i, n := range f.Iter {
			got := binary.LittleEndian.Uint32(data[4*i:])
			want := n
			if smooth {
				want = render.NaN32
				if !f.Inside(i) {
					want = math.Float32bits(float32(render.Smooth(n, f.Mag2[i])))
				}
			}
			if got != want {
				t.Fatalf("%s: element %d is %#x, want %#x", tc.args, i, got, want)
			}
		}
	}
	code, _, stderr := mandel(t, dir, "--size", "8", "--aa", "3", "DIR/aa.npy")
	if want := "mandel: npy holds one value a pixel, and --aa 3 gives 9 samples a pixel; render at --size 24x24 instead\n"; code != exitUsage || stderr != want {
		t.Errorf("--aa 3: exit %d, %q; want 2, %q", code, stderr, want)
	}

	// numpy itself reads both files. CI installs python3-numpy (.ci/run).
	// The python3 on the PATH may be a pyenv or venv one without numpy,
	// while the system's, where apt-get installs it, has it.
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import numpy").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("numpy.load not tried: no python3 with numpy (python3 on the PATH, /usr/bin/python3); apt-get install python3-numpy")
	}
	script := `
import io, sys, numpy
a = numpy.load(sys.argv[1]); s = numpy.load(sys.argv[2])
print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], int(a[7, 11]), int(a.max()))
print(s.dtype, s.shape, repr(float(s[7, 11])), int(numpy.isnan(s).sum()))
for x, path in ((a, sys.argv[1]), (s, sys.argv[2])):
    f = io.BytesIO(); numpy.save(f, x); print(f.getvalue() == open(path, 'rb').read())
`
	out, err := exec.Command(python, "-c", script, filepath.Join(dir, "counts.npy"), filepath.Join(dir, "smooth.npy")).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy.load: %v\n%s", err, out)
	}
	i := 7*40 + 11
	maxIter, inside := uint32(0), 0
	for j, n := range f.Iter {
		maxIter = max(maxIter, n)
		if f.Inside(j) {
			inside++
		}
	}
	want := "uint32 (30, 40) True " + strconv.Itoa(int(f.Iter[i])) + " " + strconv.Itoa(int(maxIter)) + "\n" +
		"float32 (30, 40) " + pyFloat(float32(render.Smooth(f.Iter[i], f.Mag2[i]))) + " " + strconv.Itoa(inside) + "\n" +
		"True\nTrue\n" // numpy.save writes the same bytes
	if f.Inside(i) {
		t.Fatal("the sample numpy reads is inside the set; pick another")
	}
	if string(out) != want {
		t.Errorf("numpy read\n%s, want\n%s", out, want)
	}
}

// pyFloat is Python's repr of x as a float (the shortest decimal that
// reads back as x's float64 value).
func pyFloat(x float32) string {
	s := strconv.FormatFloat(float64(x), 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
