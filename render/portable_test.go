package render

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// portableInputs returns inputs for the portable functions: random bit
// patterns (every exponent, subnormals, specials), values where colouring
// and the shortcuts use them, and the edges of log's mantissa split.
func portableInputs(n int) []float64 {
	rng := rand.New(rand.NewPCG(15, 4))
	xs := []float64{0, math.Copysign(0, -1), 1, 2, 4, 0.5, logHSqrt2, math.Nextafter(logHSqrt2, 1), math.Nextafter(logHSqrt2, 0),
		math.Inf(1), math.Inf(-1), math.NaN(), -1, math.SmallestNonzeroFloat64, math.MaxFloat64, 4 * logHSqrt2, 1e300}
	for e := -1074; e <= 1023; e++ {
		xs = append(xs, math.Ldexp(1, e), math.Ldexp(logHSqrt2, e), math.Ldexp(1.5, e))
	}
	for range n {
		xs = append(xs,
			math.Float64frombits(rng.Uint64()),
			4+float64(1e3*rng.Float64()),                     // |z|^2 just past the radius
			math.Ldexp(1+rng.Float64(), rng.IntN(2048)-1022), // any |z|^2
			0.5+8*rng.Float64(),                              // 0.5 log |z|^2
		)
	}
	return xs
}

// TestPortableMatchesAMD64 checks, on amd64, that the portable functions
// return math's bits for every input: amd64's images do not change by
// using them. Under GOAMD64=v3 too: math.Log2's multiply-add could fuse
// there, but Go 1.26 does not fuse it (were it to, this test would say so,
// and the portable Log2 would keep v1's bits).
func TestPortableMatchesAMD64(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("math's functions are amd64's reference only on amd64; TestPortableBits covers the rest")
	}
	xs := portableInputs(500000)
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || a != a && b != b
	}
	for i, x := range xs {
		if got, want := portableLog(x), math.Log(x); !same(got, want) {
			t.Fatalf("portableLog(%v) = %v (%#x), math.Log %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
		}
		if got, want := portableLog2(x), math.Log2(x); !same(got, want) {
			t.Fatalf("portableLog2(%v) = %v, math.Log2 %v", x, got, want)
		}
		y := xs[(i*7919+1)%len(xs)]
		if got, want := portableHypot(x, y), math.Hypot(x, y); !same(got, want) {
			t.Fatalf("portableHypot(%v, %v) = %v, math.Hypot %v", x, y, got, want)
		}
	}
}

// portableHash is TestPortableBits' hash, of results computed on amd64
// (where TestPortableMatchesAMD64 shows they are math's).
const portableHash = "bec608d3e0102342"

// TestPortableBits hashes the portable functions' results on a fixed set
// of inputs, so that every architecture (and GOAMD64 level) must compute
// amd64's bits.
func TestPortableBits(t *testing.T) {
	xs := portableInputs(20000)
	h := fnv.New64a()
	for i, x := range xs {
		y := xs[(i*7919+1)%len(xs)]
		for _, r := range []float64{portableLog(x), portableLog2(x), portableHypot(x, y)} {
			binary.Write(h, binary.LittleEndian, math.Float64bits(r))
		}
	}
	if got := fmt.Sprintf("%016x", h.Sum64()); got != portableHash {
		t.Errorf("hash of the portable functions' results %s, amd64's %s", got, portableHash)
	}
}

// paintingHash and componentsHash are TestPaintingAcrossTargets' hashes,
// computed on amd64 with GOAMD64=v1.
const (
	paintingHash   = "c001c04029bd8877"
	componentsHash = "e26865ddad2d0585"
)

// TestPaintingAcrossTargets paints a frame of random escaped samples, with
// every palette, paletted (each entry computed, no table) and
// supersampled, and hashes the bytes; and hashes the shortcuts' verdicts on
// random points near the cardioid's and the bulb's margins. With a million
// logarithms and a million hypotenuses these reach the entry boundaries and
// the margin, where a last-bit difference would show (though it seldom
// does at random: see TestEntryBoundariesAcrossTargets). The hashes are
// amd64's; make test checks them under GOAMD64=v1 and v3 and under qemu
// for arm64.
func TestPaintingAcrossTargets(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 5))
	f := &Frame{Width: 1000, Height: 500, MaxIter: 1 << 16, Escape2: 4}
	f.Iter, f.Mag2 = make([]uint32, f.Width*f.Height), make([]float64, f.Width*f.Height)
	for i := range f.Iter {
		f.Iter[i] = uint32(rng.IntN(3000))
		f.Mag2[i] = math.Ldexp(1+rng.Float64(), 2+rng.IntN(24))
	}
	h := fnv.New64a()
	for _, name := range PaletteNames() {
		pal, _ := LookupPalette(name)
		p := &Painter{Palette: pal}
		for _, aa := range []int{1, 2} {
			img := p.NewImage(f, aa)
			p.PaintRows(img, f, aa, 0, f.Height/aa)
			switch img := img.(type) {
			case *image.Paletted:
				h.Write(img.Pix)
			case *image.RGBA:
				h.Write(img.Pix)
			}
		}
	}
	if got := fmt.Sprintf("%016x", h.Sum64()); got != paintingHash {
		t.Errorf("painting hash %s, amd64's %s", got, paintingHash)
	}

	h.Reset()
	var in [1]byte
	for i := range 1000000 {
		// Within about 1e-3 of the margin's boundary, on the cardioid's
		// multiplier circle |mu| = 1 - margin or the bulb's circle.
		// Only operations that round the same everywhere: no trig, and
		// conversions against fused multiply-adds.
		r := 1 - shortcutMargin + float64(2e-3*(rng.Float64()-0.5))
		a, b := 2*rng.Float64()-1, 2*rng.Float64()-1
		norm := math.Sqrt(float64(a*a) + float64(b*b))
		cos, sin := a/norm, b/norm
		var x, y float64
		if i%2 == 0 {
			// c = w - w^2 for the fixed point w = mu/2.
			wr, wi := float64(r*cos)/2, float64(r*sin)/2
			x, y = wr-(float64(wr*wr)-float64(wi*wi)), wi-float64(2*wr*wi)
		} else {
			// c = -1 + mu/4 on the bulb.
			x, y = -1+float64(r/4*cos), float64(r/4*sin)
		}
		in[0] = 0
		if inMainComponents(x, y) {
			in[0] = 1
		}
		h.Write(in[:])
	}
	if got := fmt.Sprintf("%016x", h.Sum64()); got != componentsHash {
		t.Errorf("shortcuts' hash %s, amd64's %s", got, componentsHash)
	}
}

// boundaryHash is TestEntryBoundariesAcrossTargets' hash, computed on
// amd64 with GOAMD64=v1.
const boundaryHash = "c5b5084f5c73d4d8"

// TestEntryBoundariesAcrossTargets paints samples at the very edges of
// palette entries, where a logarithm one ulp off changes the byte. Random
// samples almost never land there (half a million of them painted with
// math's functions in an arm64 build, under qemu, give amd64's bytes,
// though there 0.25% of math.Log's results and 4.5% of math.Log2's differ
// from amd64's), so this test finds them: for
// random counts it bisects |z|^2, by its bits, down to two adjacent floats
// whose entries differ, and hashes the entries of the floats around each
// such edge. The edges are found with portableIndex, the test's own copy
// of exactIndex's arithmetic on the portable functions, so that they are
// the same on every target whatever exactIndex computes.
func TestEntryBoundariesAcrossTargets(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 6))
	h := fnv.New64a()
	edges := 0
	for range 50000 {
		n := uint32(rng.IntN(5000))
		period := []float64{DefaultPeriod, 1, 2.5, 17}[rng.IntN(4)]
		lo := math.Ldexp(1+rng.Float64(), 2+rng.IntN(30))
		hi := lo * 1.5
		a, b := math.Float64bits(lo), math.Float64bits(hi)
		if portableIndex(n, lo, period) == portableIndex(n, hi, period) {
			continue
		}
		for b-a > 1 { // positive floats order as their bits
			mid := a + (b-a)/2
			if portableIndex(n, math.Float64frombits(mid), period) == portableIndex(n, lo, period) {
				a = mid
			} else {
				b = mid
			}
		}
		edges++
		for m := a - 2; m <= a+3; m++ {
			e, _, _ := exactIndex(n, math.Float64frombits(m), period, 0)
			h.Write([]byte{e})
		}
	}
	if edges < 2000 {
		t.Fatalf("only %d edges found", edges)
	}
	if got := fmt.Sprintf("%016x", h.Sum64()); got != boundaryHash {
		t.Errorf("hash of the entries at %d edges %s, amd64's %s", edges, got, boundaryHash)
	}
}

// portableIndex is exactIndex's entry, computed with the portable
// functions whatever exactIndex calls.
func portableIndex(n uint32, m, period float64) uint8 {
	mu := float64(n) + 1 - portableLog2(0.5*portableLog(m))
	if !(mu > 0) && mu == mu {
		mu = 0
	}
	t := math.Sqrt(mu) / period
	u := float64((t-math.Floor(t))*paletteSize) + 0.5
	return uint8(int(u) % paletteSize)
}
