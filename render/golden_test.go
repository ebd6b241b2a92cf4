package render

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"image"
	"math"
	"testing"
)

var printGolden = flag.Bool("print-golden", false, "print the hashes TestGoldenAcrossTargets expects")

// goldenCases are views whose pixel step is not a power-of-two fraction, so
// that any fused multiply-add in the mapping, the kernel or the colouring
// changes their hashes. The Makefile runs this test with GOAMD64=v1 and v3;
// both must give these hashes (computed with GOAMD64=v1).
var goldenCases = []struct {
	preset         string
	width, height  int
	maxIter, aa    int
	frame, painted string
}{
	{"seahorse", 333, 250, 2000, 1, "40b94b4fc216574b", "8b09e5853efd391d"},
	{"full", 301, 199, 500, 2, "fcfefdfc58af99f1", "d9a59de2c4bab492"},
	{"elephant", 97, 131, 1500, 3, "cc895f396921954f", "c432d9bdb28e78ed"},
}

func TestGoldenAcrossTargets(t *testing.T) {
	for _, tc := range goldenCases {
		p, err := LookupPreset(tc.preset)
		if err != nil {
			t.Fatal(err)
		}
		v := p.View
		v.Width, v.Height, v.MaxIter = tc.width, tc.height, tc.maxIter
		f := render(t, v, tc.aa)

		h := fnv.New64a()
		binary.Write(h, binary.LittleEndian, f.Iter)
		for _, m := range f.Mag2 {
			binary.Write(h, binary.LittleEndian, math.Float64bits(m))
		}
		frameHash := fmt.Sprintf("%016x", h.Sum64())

		pal, _ := LookupPalette("twilight")
		painter := &Painter{Palette: pal}
		img := painter.NewImage(f, tc.aa)
		painter.PaintRows(img, f, tc.aa, 0, v.Height)
		h.Reset()
		switch img := img.(type) {
		case *image.Paletted:
			h.Write(img.Pix)
		case *image.RGBA:
			h.Write(img.Pix)
		}
		paintedHash := fmt.Sprintf("%016x", h.Sum64())

		name := fmt.Sprintf("%s %dx%d maxiter %d aa %d", tc.preset, tc.width, tc.height, tc.maxIter, tc.aa)
		if *printGolden {
			t.Logf("%s: frame %s painted %s", name, frameHash, paintedHash)
			continue
		}
		if frameHash != tc.frame || paintedHash != tc.painted {
			t.Errorf("%s: frame %s painted %s; want %s %s", name, frameHash, paintedHash, tc.frame, tc.painted)
		}
	}
}
