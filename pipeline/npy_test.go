package pipeline

import (
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

var npyDict = regexp.MustCompile(`^\{'descr': '(<u4|<f4)', 'fortran_order': False, 'shape': \(([0-9]+), ([0-9]+)\), \} *\n$`)

// readNPY parses an npy file by the format's specification (version 1.0,
// a 2-D little-endian array of 4-byte elements) and returns its type,
// shape and elements' bits.
func readNPY(t *testing.T, b []byte) (descr string, height, width int, bits []uint32) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("no npy 1.0 magic: %q", b[:min(len(b), 10)])
	}
	n := 10 + int(binary.LittleEndian.Uint16(b[8:]))
	m := npyDict.FindStringSubmatch(string(b[10:min(n, len(b))]))
	if n%64 != 0 || m == nil {
		t.Fatalf("header %q", b[10:min(n, len(b))])
	}
	height, _ = strconv.Atoi(m[2])
	width, _ = strconv.Atoi(m[3])
	data := b[n:]
	if len(data) != 4*height*width {
		t.Fatalf("%d bytes of data for %dx%d", len(data), height, width)
	}
	bits = make([]uint32, height*width)
	for i := range bits {
		bits[i] = binary.LittleEndian.Uint32(data[4*i:])
	}
	return m[1], height, width, bits
}

// TestNPY: npy holds the reference frame's counts and npy-smooth its smooth
// escape times, whatever the strips, strategy, workers, kernel and
// shortcuts; and a window holds its rows.
func TestNPY(t *testing.T) {
	v := render.View{Width: 151, Height: 97, Center: complex(-0.75, 0.1), Scale: 2.6, MaxIter: 300}
	r, err := render.NewRenderer(v, 1, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.RenderUnits(0, r.Units())
	f := r.Frame()
	inside, escaped := 0, 0
	for i := range f.Iter {
		if f.Inside(i) {
			inside++
		} else {
			escaped++
		}
	}
	if inside < 100 || escaped < 100 {
		t.Fatalf("a view of %d samples inside and %d escaped tests little", inside, escaped)
	}
	for _, format := range []imageio.Format{imageio.NPY, imageio.NPYSmooth} {
		want := make([]uint32, len(f.Iter))
		for i, n := range f.Iter {
			switch {
			case format == imageio.NPY:
				want[i] = n
			case f.Inside(i):
				want[i] = render.NaN32
			default:
				want[i] = math.Float32bits(float32(render.Smooth(n, f.Mag2[i])))
			}
		}
		for _, c := range []struct {
			rows      int
			strategy  string
			workers   int
			shortcuts bool
		}{{0, "steal", 2, true}, {1, "steal", 3, false}, {7, "bands", 2, true}, {64, "guided", 3, true}, {96, "cyclic", 2, false}} {
			t.Run(fmt.Sprintf("%s/rows%d/%s/w%d/shortcuts=%v", format, c.rows, c.strategy, c.workers, c.shortcuts), func(t *testing.T) {
				j := job(t, v, 1, format)
				j.StripRows, j.Workers, j.Shortcuts = c.rows, c.workers, c.shortcuts
				j.Strategy, _ = strategies.Lookup(c.strategy)
				j.Kernel, _ = render.LookupKernel("auto")
				b, st := run(t, j)
				descr, h, w, got := readNPY(t, b)
				if descr != format.NPYType() || h != v.Height || w != v.Width {
					t.Fatalf("%s (%d, %d), want %s (%d, %d)", descr, h, w, format.NPYType(), v.Height, v.Width)
				}
				if c.rows > 0 && st.Plan.Rows != c.rows {
					t.Errorf("strips of %d rows, want %d", st.Plan.Rows, c.rows)
				}
				for i := range want {
					if got[i] != want[i] {
						t.Fatalf("sample (%d, %d): %#x, want %#x (count %d, |z|^2 %v)", i%w, i/w, got[i], want[i], f.Iter[i], f.Mag2[i])
					}
				}
			})
		}
		j := job(t, v, 1, format)
		j.Lo, j.Hi, j.StripRows = 40, 61, 8
		b, _ := run(t, j)
		_, h, w, got := readNPY(t, b)
		if h != 21 || w != v.Width || !equalUint32(got, want[40*v.Width:61*v.Width]) {
			t.Errorf("%s: the window of rows 40-60 is (%d, %d) or its values differ", format, h, w)
		}
	}
}

func equalUint32(a, b []uint32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNPYPlan: npy refuses supersampling, saying what to do instead, and
// its strips count 4 bytes a pixel.
func TestNPYPlan(t *testing.T) {
	for _, format := range []imageio.Format{imageio.NPY, imageio.NPYSmooth} {
		_, err := planOf(t, 300, 200, 2, format, 0)
		if want := format.String() + " holds one value a pixel, and --aa 2 gives 4 samples a pixel; render at --size 600x400 instead"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s at aa 2: %v, want %q", format, err, want)
		}
		npy, err := planOf(t, 4000, 3000, 1, format, 2*gib)
		if err != nil {
			t.Fatal(err)
		}
		png, err := planOf(t, 4000, 3000, 1, imageio.PNG, 2*gib)
		if err != nil {
			t.Fatal(err)
		}
		if npy.Whole != png.Whole+3*4000*3000 || npy.Rows >= png.Rows {
			t.Errorf("%s: whole %v, %d rows a strip; png's %v, %d", format, npy.Whole, npy.Rows, png.Whole, png.Rows)
		}
	}
}
