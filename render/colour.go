package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync/atomic"
)

// Palette is a cyclic colour gradient of stops (see palette.go for its
// text), with the mapping of escape times onto it: Density and Offset. The
// zero Density means 1. A Palette without stops, the zero Palette among them,
// colours as the classic palette does, so that a zero Painter paints the
// classic picture.
type Palette struct {
	// Name is the built-in palette's name, or "" for a user's gradient.
	Name  string
	stops []color.RGBA
	// pos are the stops' positions, nondecreasing, in 0..1; nil when the
	// stops are evenly spaced, stop i of n at i/n.
	pos []float64
	// Density is how many times faster than DefaultPeriod the palette
	// cycles: 2 shows each colour band half as wide. 0 means 1.
	Density float64
	// Offset shifts every pixel's place on the cycle by that fraction of
	// a cycle: 0.5 starts the colours half-way round.
	Offset float64
}

// PaletteNames returns the names of the built-in palettes in a stable order.
func PaletteNames() []string {
	names := make([]string, len(palettes))
	for i, p := range palettes {
		names[i] = p.Name
	}
	return names
}

// At returns the colour at position t of the cycle; t is taken modulo 1.
// A non-finite t gives the colour at 0.
//
// Evenly spaced stops find their segment by scaling t by the number of
// stops, the arithmetic of the built-in palettes before gradients existed,
// which their bytes depend on; stops with other positions divide t's
// distance from the segment's start by its width. The two agree to within
// a rounding of the blend, not bit for bit, so a gradient whose stops sit
// exactly at i/n takes the first way whether written with positions or not.
func (p Palette) At(t float64) color.RGBA {
	if math.IsNaN(t) || math.IsInf(t, 0) {
		t = 0
	}
	t -= math.Floor(t)
	if len(p.stops) == 0 {
		// builtins lists classic first.
		p.stops, p.pos = palettes[0].stops, palettes[0].pos
	}
	var a, b color.RGBA
	var frac float64
	if p.pos == nil {
		pos := t * float64(len(p.stops))
		i := int(pos)
		frac = pos - float64(i)
		a, b = p.stops[i%len(p.stops)], p.stops[(i+1)%len(p.stops)]
	} else {
		a, b, frac = p.segment(t)
	}
	// The conversion keeps the multiply unfused (see View.Plane): colours too
	// must not depend on the target CPU.
	lerp := func(x, y uint8) uint8 { return uint8(float64(x) + float64((float64(y)-float64(x))*frac) + 0.5) }
	return color.RGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), 255}
}

// segment returns the stops on either side of t, 0 <= t < 1, of a gradient
// with positions, and t's fraction of the way from a to b. Subtractions and
// one division: nothing a compiler may fuse.
func (p Palette) segment(t float64) (a, b color.RGBA, frac float64) {
	n := len(p.pos)
	// j is the last stop at or before t, by bisection (a gradient may have
	// MaxStops); -1 before the first stop, where the segment is the one
	// that wraps from the last stop round.
	lo, hi := 0, n // pos[:lo] <= t < pos[hi:]
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if p.pos[mid] <= t {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	j := lo - 1
	var from, to float64
	switch {
	case j < 0:
		j, from, to = n-1, p.pos[n-1]-1, p.pos[0]
	case j == n-1:
		from, to = p.pos[j], p.pos[0]+1
	default:
		from, to = p.pos[j], p.pos[j+1]
	}
	return p.stops[j], p.stops[(j+1)%n], (t - from) / (to - from)
}

// Smooth returns the continuous escape time of an escaped sample with n
// iterations and final |z|^2 = mag2: n + 1 - log2(ln|z|). It removes the
// bands of the integer count; for points that never escaped it is meaningless.
func Smooth(n uint32, mag2 float64) float64 {
	// portableLog2 and portableLog, not math's: see portable.go.
	mu := float64(n) + 1 - portableLog2(0.5*portableLog(mag2))
	return math.Max(mu, 0)
}

// Painter turns a frame into an image: colouring is separate from iteration,
// so the same frame can be painted with any palette.
type Painter struct {
	Palette Palette
	// Inside is the colour of points in the set. The zero value (transparent)
	// means opaque black, so that a zero Painter paints the classic picture.
	Inside color.RGBA
	// Period is the smooth escape time, in the square-root scale the painter
	// uses, of one full cycle of the palette. Zero means DefaultPeriod.
	Period float64
}

// DefaultPeriod cycles the palette once per ~40 iterations near the start and
// progressively slower, which suits both the full view and deep zooms.
const DefaultPeriod = 6.0

// paletteSize is the number of gradient colours in a paletted image; the last
// of the 256 entries is the inside colour.
const paletteSize = 255

// position returns where on the palette cycle an escaped sample falls.
func (p *Painter) position(n uint32, mag2 float64) float64 {
	return math.Sqrt(Smooth(n, mag2))/p.period() + p.offset()
}

// index returns the paletted image's entry for an escaped sample: the
// definition that exactIndex and indexTable reproduce.
func (p *Painter) index(n uint32, mag2 float64) uint8 {
	t := p.position(n, mag2)
	if math.IsNaN(t) || math.IsInf(t, 0) {
		return 0
	}
	return uint8(int(float64((t-math.Floor(t))*paletteSize)+0.5) % paletteSize)
}

// NewImage returns an image for frame f painted at supersampling aa, not yet
// painted: an *image.Paletted when aa is 1 (it encodes several times faster
// than RGBA), an *image.RGBA otherwise, since averaging samples makes colours
// no palette holds.
func (p *Painter) NewImage(f *Frame, aa int) image.Image {
	rect := image.Rect(0, 0, f.Width/aa, f.Height/aa)
	if aa > 1 {
		return image.NewRGBA(rect)
	}
	pal := make(color.Palette, paletteSize+1)
	for i := 0; i < paletteSize; i++ {
		pal[i] = p.Palette.At(float64(i) / paletteSize)
	}
	pal[paletteSize] = p.inside()
	return image.NewPaletted(rect, pal)
}

// PaintRows paints output rows [lo, hi) of img, which NewImage made for f and
// aa. Rows are independent, so callers may paint them in parallel.
func (p *Painter) PaintRows(img image.Image, f *Frame, aa, lo, hi int) {
	p.paintRows(img, f, aa, lo, hi, nil)
}

// paintRows is PaintRows, with tab, if not nil, to look paletted entries up.
func (p *Painter) paintRows(img image.Image, f *Frame, aa, lo, hi int, tab *indexTable) {
	switch img := img.(type) {
	case *image.Paletted:
		for y := lo; y < hi; y++ {
			row := img.Pix[y*img.Stride : y*img.Stride+img.Rect.Dx()]
			p.indexRow(row, f.Iter[y*f.Width:], f.Mag2[y*f.Width:], uint32(f.MaxIter), f.Escape2, tab)
		}
	case *image.RGBA:
		samples := float64(aa * aa)
		period, offset := p.period(), p.offset()
		in := p.inside()
		maxIter := uint32(f.MaxIter)
		for y := lo; y < hi; y++ {
			for x := 0; x < img.Rect.Dx(); x++ {
				var r, g, b float64
				for sy := y * aa; sy < (y+1)*aa; sy++ {
					for sx := x * aa; sx < (x+1)*aa; sx++ {
						// sampleColour, with position written out
						// as in exactIndex.
						i := sy*f.Width + sx
						n, m := f.Iter[i], f.Mag2[i]
						c := in
						if n != maxIter || m > f.Escape2 {
							c = p.Palette.At(exactPosition(n, m, period, offset))
						}
						r, g, b = r+float64(c.R), g+float64(c.G), b+float64(c.B)
					}
				}
				o := y*img.Stride + 4*x
				img.Pix[o+0] = uint8(r/samples + 0.5)
				img.Pix[o+1] = uint8(g/samples + 0.5)
				img.Pix[o+2] = uint8(b/samples + 0.5)
				img.Pix[o+3] = 255
			}
		}
	default:
		panic(fmt.Sprintf("render: PaintRows: image type %T was not made by NewImage", img))
	}
}

// indexRow sets dst[x] to the paletted image's entry for sample x of iter
// and mag2: paletteSize for a sample inside the set, index's entry for
// others, looked up in tab where it is certain (tab may be nil), computed
// by exactIndex otherwise.
func (p *Painter) indexRow(dst []uint8, iter []uint32, mag2 []float64, maxIter uint32, escape2 float64, tab *indexTable) {
	period, offset := p.period(), p.offset()
	var rows []atomic.Pointer[indexTableRow]
	var key0 uint64
	if tab != nil {
		rows, key0 = tab.rows, tab.key0
	}
	iter, mag2 = iter[:len(dst)], mag2[:len(dst)]
	for x, n := range iter {
		m := mag2[x]
		if n == maxIter && m <= escape2 {
			dst[x] = paletteSize
			continue
		}
		if int(n) < len(rows) {
			// Unsigned, so that |z|^2 below the first bucket (or
			// negative, or NaN) is past the last one.
			if k := tableKey(m) - key0; k < indexTableBuckets {
				if row := tab.row(n); row != nil && row[k] != uncertain {
					dst[x] = row[k]
					continue
				}
			}
		}
		dst[x], _, _ = exactIndex(n, m, period, offset)
	}
}

// exactIndex is index's entry for an escaped sample with n iterations and
// final |z|^2 = m, for a period that is not 0 and an offset, with the same floating-point
// operations in the same order, so the same bytes; but the calls that the
// compiler would not inline (position, Smooth, math.Max, math.Floor) are
// written out, which makes it about twice as fast. It also returns t, the
// position on the palette cycle, and u, the value rounded down to the entry
// (both NaN where t is not finite).
func exactIndex(n uint32, m, period, offset float64) (e uint8, t, u float64) {
	t = exactPosition(n, m, period, offset)
	if t-t != 0 { // NaN or infinite
		return 0, math.NaN(), math.NaN()
	}
	fl := float64(int64(t)) // math.Floor(t) for 0 <= t < 2^52
	if !(t >= 0 && t < 1<<52) {
		fl = math.Floor(t)
	}
	u = float64((t-fl)*paletteSize) + 0.5
	return uint8(int(u) % paletteSize), t, u
}

// exactPosition is position (for a period that is not 0), with Smooth and
// math.Max written out.
func exactPosition(n uint32, m, period, offset float64) float64 {
	mu := float64(n) + 1 - portableLog2(0.5*portableLog(m))
	if !(mu > 0) && mu == mu {
		mu = 0 // math.Max(mu, 0): NaN stays NaN, -0 becomes +0
	}
	return math.Sqrt(mu)/period + offset
}

// Painting a large frame computes a logarithm twice per pixel; an indexTable
// replaces most of them with a look-up. For an iteration count n it divides
// |z|^2 into buckets by the top bits of its float64 representation (its
// exponent and the first few bits of its mantissa: 128 buckets a binade,
// from the escape radius up), and records the palette entry of each bucket
// where all its values have the same entry, which is certain when:
//   - the entry at both ends of the bucket is the same, and the position t
//     moves by less than half an entry between them: the exact position is
//     monotonic in |z|^2, so it stays within that entry's span of t;
//   - the value u that is rounded down to the entry is, at both ends, at
//     least tableMargin from an integer, so that the rounding errors of the
//     computed position cannot carry a sample inside the bucket across an
//     entry boundary: with logarithms within an ulp or two (portableLog,
//     amd64's math.Log, is within one), n < 2^16, a period of at least 1
//     and an offset of at most 16 either way (its addition rounds to under
//     1e-13), they stay under 1e-8 of an entry wherever t is near a
//     boundary, a hundredth of the margin.
//
// Other buckets are uncertain and computed exactly. Building the row of a
// count costs about as much as painting 800 pixels exactly, so it is built
// only once tableBuildHits pixels of that count have been (by any worker;
// two workers may both build it, with the same result).
type indexTable struct {
	period float64
	offset float64
	key0   uint64 // tableKey of the first bucket's lowest value
	rows   []atomic.Pointer[indexTableRow]
	hits   []atomic.Int32 // pixels painted exactly while the row was nil
}

const (
	indexTableBits     = 7 // mantissa bits in a bucket's key
	indexTableBuckets  = 6 << indexTableBits
	indexTableMaxCount = 1 << 16
	tableMargin        = 1e-6 // in palette entries
	uncertain          = 0xff // not an entry: paletteSize is the inside colour
	tableBuildHits     = 1024
)

type indexTableRow [indexTableBuckets]uint8

func tableKey(m float64) uint64 { return math.Float64bits(m) >> (52 - indexTableBits) }

// newIndexTable returns a table for painting frame f with p at aa 1, or nil
// where tableMargin would not be safe.
func (p *Painter) newIndexTable(f *Frame) *indexTable {
	period := p.period()
	if !(period >= 1 && period <= math.MaxFloat64) || !(f.Escape2 >= 4 && f.Escape2 <= 1e13) || !(math.Abs(p.offset()) <= 16) {
		return nil
	}
	counts := min(f.MaxIter+1, indexTableMaxCount)
	return &indexTable{
		period: period,
		offset: p.offset(),
		key0:   tableKey(f.Escape2),
		rows:   make([]atomic.Pointer[indexTableRow], counts),
		hits:   make([]atomic.Int32, counts),
	}
}

// row returns the table's row for count n, or nil until it is worth building.
func (tab *indexTable) row(n uint32) *indexTableRow {
	if row := tab.rows[n].Load(); row != nil {
		return row
	}
	if tab.hits[n].Add(1) < tableBuildHits {
		return nil
	}
	return tab.build(n)
}

// build computes the table's row for count n and returns it.
func (tab *indexTable) build(n uint32) *indexTableRow {
	row := new(indexTableRow)
	at := func(k int) (e uint8, t float64, ok bool) {
		m := math.Float64frombits((tab.key0 + uint64(k)) << (52 - indexTableBits))
		e, t, u := exactIndex(n, m, tab.period, tab.offset)
		return e, t, math.Abs(u-math.Round(u)) >= tableMargin // false for NaN
	}
	e0, t0, ok0 := at(0)
	for k := range row {
		e1, t1, ok1 := at(k + 1)
		row[k] = uncertain
		if ok0 && ok1 && e0 == e1 && math.Abs(t1-t0) < 0.5/paletteSize {
			row[k] = e0
		}
		e0, t0, ok0 = e1, t1, ok1
	}
	tab.rows[n].CompareAndSwap(nil, row)
	return tab.rows[n].Load()
}

func (p *Painter) inside() color.RGBA {
	if p.Inside == (color.RGBA{}) {
		return color.RGBA{0, 0, 0, 255}
	}
	return p.Inside
}

// sampleColour is the colour of sample i of f: the definition that
// PaintRows' supersampled loop follows, operation for operation.
func (p *Painter) sampleColour(f *Frame, i int) color.RGBA {
	if f.Inside(i) {
		return p.inside()
	}
	return p.Palette.At(p.position(f.Iter[i], f.Mag2[i]))
}

// newBitmap returns a black-and-white image for frame f at supersampling aa,
// for 1-bit formats; bitmapRows paints it.
func newBitmap(f *Frame, aa int) *image.Gray {
	return image.NewGray(image.Rect(0, 0, f.Width/aa, f.Height/aa))
}

// bitmapRows paints output rows [lo, hi) of img, which newBitmap made: in-set
// pixels black, others white. With supersampling a pixel is black when at
// least half of its samples are inside. Rows are independent, so callers may
// paint them in parallel.
func bitmapRows(img *image.Gray, f *Frame, aa, lo, hi int) {
	for y := lo; y < hi; y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			inside := 0
			for sy := y * aa; sy < (y+1)*aa; sy++ {
				for sx := x * aa; sx < (x+1)*aa; sx++ {
					if f.Inside(sy*f.Width + sx) {
						inside++
					}
				}
			}
			colour := uint8(0)
			if 2*inside < aa*aa {
				colour = 255
			}
			img.Pix[y*img.Stride+x] = colour
		}
	}
}

// Canvas is an image being painted from a frame, output row by output row.
type Canvas struct {
	// Image is the picture; it is complete once every row has been painted.
	Image image.Image
	paint func(lo, hi int)
	table *indexTable // for a paletted image, if painting one pays
}

// Canvas returns a canvas for frame f at supersampling aa in the painter's
// colours (see NewImage).
func (p *Painter) Canvas(f *Frame, aa int) *Canvas {
	img := p.NewImage(f, aa)
	var tab *indexTable
	if aa == 1 {
		tab = p.newIndexTable(f)
	}
	return &Canvas{Image: img, table: tab, paint: func(lo, hi int) { p.paintRows(img, f, aa, lo, hi, tab) }}
}

// BitmapCanvas returns a black-and-white canvas for frame f at supersampling
// aa, for 1-bit formats (see newBitmap).
func BitmapCanvas(f *Frame, aa int) *Canvas {
	img := newBitmap(f, aa)
	return &Canvas{Image: img, paint: func(lo, hi int) { bitmapRows(img, f, aa, lo, hi) }}
}

// Task returns a function with the shape of strategies.Task that paints
// output rows [lo, hi). Rows are independent, so a strategy may paint
// several at once; the work it reports is zero.
func (c *Canvas) Task() func(worker, lo, hi int) (int64, error) {
	return func(_, lo, hi int) (int64, error) {
		c.paint(lo, hi)
		return 0, nil
	}
}

// offset is the palette's offset, less whole cycles where it is over 16
// either way: a whole cycle changes no colour, and added as it is an
// offset of 1e17 would round every place on the cycle to the same colour.
// Offsets up to 16 are used as given, so their pictures keep their bytes.
// math.Mod is exact, so the colours stay the same on every CPU.
func (p *Painter) offset() float64 {
	if o := p.Palette.Offset; !(math.Abs(o) <= 16) {
		return math.Mod(o, 1)
	}
	return p.Palette.Offset
}

// period is p.Period, or DefaultPeriod where that is zero, divided by the
// palette's density.
func (p *Painter) period() float64 {
	period := p.Period
	if period == 0 {
		period = DefaultPeriod
	}
	if d := p.Palette.Density; d != 0 && d != 1 {
		period /= d
	}
	return period
}
