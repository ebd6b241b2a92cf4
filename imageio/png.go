package imageio

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/adler32"
	"hash/crc32"
	"image"
	"image/color"
	"io"
)

// The parallel PNG encoder cuts the filtered image data into strips of whole
// rows and deflates each strip on its own, as pigz does: every strip but the
// last ends in a sync flush, so that the compressed strips concatenate into
// one deflate stream, and each strip starts with the previous 32 KiB of data
// as a preset dictionary, so that matches across the cut are not lost. The
// strips depend on the image only, never on the number of workers, so the
// bytes written do not either.
//
// The uncompressed data is exactly image/png's: the same colour type, and
// the same filter for each row (image/png's heuristic, which looks at the
// row and the one above it only). Only the compressed stream differs.

// pngStripBytes is the target amount of filtered data in a strip. Smaller
// strips balance better across workers, but each one costs compressing its
// 32 KiB dictionary again, a block header and a sync marker: at 512 KiB that
// is about a tenth more work than image/png's single stream (measured: 12%
// on a 4096x4096 paletted picture, which still makes 32 strips), and the
// file is within 0.1% of image/png's.
var pngStripBytes = 512 << 10 // a variable for the tests only

// windowSize is deflate's window: the most history a match can reach.
const windowSize = 32 << 10

// zlibHeader is what compress/zlib writes at its default level (image/png's):
// deflate, 32 KiB window, default compression, no preset dictionary.
var zlibHeader = []byte{0x78, 0x9c}

// pngColour is a PNG colour type with 8 bits per sample, those that the
// parallel encoder writes.
type pngColour uint8

const (
	pngGray      pngColour = 0 // one byte per pixel
	pngRGB       pngColour = 2 // three bytes per pixel
	pngPaletted  pngColour = 3 // one byte per pixel, an index
	pngRGBAlpha  pngColour = 6 // four bytes per pixel, not premultiplied
	pngSignature           = "\x89PNG\r\n\x1a\n"
)

// pngImage is an image that the parallel encoder can write: its colour
// type, and the raw bytes of each row.
type pngImage struct {
	colour  pngColour
	bpp     int // bytes per pixel
	width   int // of a row in bytes, without the filter byte
	height  int
	palette color.Palette // for pngPaletted
	row     func(y int, dst []byte)
}

// pngModelOf returns the PNGWriter model that writes m as image/png would,
// or false for the images left to image/png: other types, and palettes of
// 16 or fewer colours, which image/png packs several pixels to a byte, or
// of more than 256.
func pngModelOf(m image.Image) (color.Model, bool) {
	switch m := m.(type) {
	case *image.Paletted:
		if len(m.Palette) <= 16 || len(m.Palette) > 256 {
			return nil, false
		}
		return m.Palette, true
	case *image.Gray:
		return color.GrayModel, true
	case *image.RGBA:
		if m.Opaque() {
			return color.RGBAModel, true
		}
		return color.NRGBAModel, true
	}
	return nil, false
}

// rgbRow drops the alpha of an opaque RGBA row.
func rgbRow(dst, src []byte) {
	for len(dst) >= 3 {
		d, s := (*[3]byte)(dst), (*[4]byte)(src)
		d[0], d[1], d[2] = s[0], s[1], s[2]
		dst, src = dst[3:], src[4:]
	}
}

// nrgbaRow converts a row from premultiplied to straight alpha, exactly as
// image/png does.
func nrgbaRow(dst, src []byte) {
	for len(dst) >= 4 {
		d, s := (*[4]byte)(dst), (*[4]byte)(src)
		switch s[3] {
		case 0x00:
			*d = [4]byte{}
		case 0xff:
			*d = *s
		default:
			const m = 0x101 * 0xffff
			a := uint32(s[3]) * 0x101
			d[0] = uint8((uint32(s[0]) * m / a) >> 8)
			d[1] = uint8((uint32(s[1]) * m / a) >> 8)
			d[2] = uint8((uint32(s[2]) * m / a) >> 8)
			d[3] = s[3]
		}
		dst, src = dst[4:], src[4:]
	}
}

// pngStrip is one strip's compressed data, ready when done is closed.
type pngStrip struct {
	done  chan struct{}
	data  bytes.Buffer
	adler uint32 // of the strip's uncompressed data
	n     int    // uncompressed length
	err   error
}

// encodePNG writes m as a PNG, compressing on up to workers goroutines (at
// most GOMAXPROCS; 0 means GOMAXPROCS): a PNGWriter given the whole image
// as one strip. Images that pngModelOf does not take go to image/png.
func encodePNG(w io.Writer, m image.Image, workers int) error {
	model, ok := pngModelOf(m)
	if !ok {
		return pngEncoder.Encode(w, m)
	}
	b := m.Bounds()
	pw, err := NewPNGWriter(w, b.Dx(), b.Dy(), model, PNGOptions{Workers: workers})
	if err != nil {
		return err
	}
	if err := pw.WriteRows(m); err != nil {
		return err
	}
	return pw.Close()
}

// chunkWriter writes PNG chunks; the first error sticks.
type chunkWriter struct {
	w   io.Writer
	err error
}

// write writes a chunk whose data is the concatenation of parts.
func (c *chunkWriter) write(name string, parts ...[]byte) {
	if c.err != nil {
		return
	}
	n := 0
	for _, b := range parts {
		n += len(b)
	}
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(n))
	copy(head[4:], name)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	if _, c.err = c.w.Write(head[:]); c.err != nil {
		return
	}
	for _, b := range parts {
		crc.Write(b)
		if _, c.err = c.w.Write(b); c.err != nil {
			return
		}
	}
	_, c.err = c.w.Write(binary.BigEndian.AppendUint32(nil, crc.Sum32()))
}

// writePalette writes the PLTE chunk and, if some colour is not opaque, the
// tRNS chunk, as image/png does.
func (c *chunkWriter) writePalette(pal color.Palette) {
	var rgb [3 * 256]byte
	var alpha [256]byte
	last := -1
	for i, col := range pal {
		n := color.NRGBAModel.Convert(col).(color.NRGBA)
		rgb[3*i], rgb[3*i+1], rgb[3*i+2], alpha[i] = n.R, n.G, n.B, n.A
		if n.A != 0xff {
			last = i
		}
	}
	c.write("PLTE", rgb[:3*len(pal)])
	if last != -1 {
		c.write("tRNS", alpha[:last+1])
	}
}

// pngFilter is one worker's row buffers: the raw previous and current rows,
// and the current row under each of the five filters, each with its filter
// type byte in front, as image/png keeps them.
type pngFilter struct {
	p    pngImage
	pr   []byte
	cr   [5][]byte
	dict []byte
	zw   *flate.Writer
	out  switchWriter
}

func newPNGFilter(p pngImage) *pngFilter {
	f := &pngFilter{p: p, pr: make([]byte, 1+p.width)}
	for i := range f.cr {
		f.cr[i] = make([]byte, 1+p.width)
		f.cr[i][0] = byte(i)
	}
	return f
}

// load reads row y into the current row, and row y-1 (zeros above the
// image) into the previous one.
func (f *pngFilter) load(y int) {
	if y == 0 {
		clear(f.pr)
	} else {
		f.p.row(y-1, f.pr[1:])
	}
	f.p.row(y, f.cr[0][1:])
}

// filtered returns the current row filtered as image/png would, with its
// filter type byte, and moves it to the previous row.
func (f *pngFilter) filtered() []byte {
	ft := 0
	if f.p.colour != pngPaletted {
		ft = filter(&f.cr, f.pr, f.p.bpp)
	}
	out := f.cr[ft]
	f.pr, f.cr[0] = f.cr[0], f.pr
	f.cr[0][0] = 0
	return out
}

// compress deflates rows [lo, hi) into s, with the filtered data of up to
// 32 KiB before row lo as the dictionary, and ends the stream with a sync
// flush, or with the final block if last.
func (f *pngFilter) compress(s *pngStrip, lo, hi int, last bool) {
	rowLen := 1 + f.p.width
	f.dict = f.dict[:0]
	if lo > 0 {
		from := max(0, lo-(windowSize+rowLen-1)/rowLen)
		f.load(from)
		for y := from; y < lo; y++ {
			if y > from {
				f.p.row(y, f.cr[0][1:])
			}
			f.dict = append(f.dict, f.filtered()...)
		}
		f.dict = f.dict[max(0, len(f.dict)-windowSize):]
	}
	s.err = f.deflate(s, lo, hi, last)
}

func (f *pngFilter) deflate(s *pngStrip, lo, hi int, last bool) error {
	// A new flate.Writer costs as much as compressing 64 KiB: reuse one,
	// and give it the dictionary by compressing it into the void; then
	// it is in the window, as the decoder has it, and after the sync flush
	// the strip's own blocks start on a byte boundary.
	if f.zw == nil {
		zw, err := flate.NewWriter(&f.out, flate.DefaultCompression)
		if err != nil {
			return err
		}
		f.zw = zw
	}
	zw := f.zw
	f.out.w = io.Discard
	zw.Reset(&f.out)
	if len(f.dict) > 0 {
		zw.Write(f.dict)
		zw.Flush()
	}
	s.data.Grow((hi - lo) * (1 + f.p.width) / 4)
	f.out.w = &s.data
	sum := adler32.New()
	f.load(lo)
	for y := lo; y < hi; y++ {
		if y > lo {
			f.p.row(y, f.cr[0][1:])
		}
		row := f.filtered()
		sum.Write(row)
		if _, err := zw.Write(row); err != nil {
			return err
		}
	}
	s.adler, s.n = sum.Sum32(), (hi-lo)*(1+f.p.width)
	if last {
		return zw.Close()
	}
	return zw.Flush()
}

// switchWriter writes to w, which may change between writes.
type switchWriter struct{ w io.Writer }

func (s *switchWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

// adler32Combine returns the Adler-32 of the concatenation of two byte
// strings, given the checksum of each and the length of the second, as
// zlib's adler32_combine does.
func adler32Combine(a1, a2 uint32, n2 int) uint32 {
	const base = 65521
	rem := uint32(n2 % base)
	s1 := a1 & 0xffff
	s2 := uint32(uint64(rem) * uint64(s1) % base)
	s1 += (a2 & 0xffff) + base - 1
	s2 += (a1 >> 16) + (a2 >> 16) + base - rem
	if s1 >= base {
		s1 -= base
	}
	if s1 >= base {
		s1 -= base
	}
	if s2 >= 2*base {
		s2 -= 2 * base
	}
	if s2 >= base {
		s2 -= base
	}
	return s1 | s2<<16
}

// filter chooses the filter for the current row cr[0] given the previous row
// pr, applies it, and returns its type: the filter that minimises the sum of
// absolute differences, tried in image/png's order with its ties, so that
// every row is filtered as image/png filters it. (Adapted from image/png,
// Copyright 2009 The Go Authors, BSD licence.)
func filter(cr *[5][]byte, pr []byte, bpp int) int {
	const ftNone, ftSub, ftUp, ftAverage, ftPaeth = 0, 1, 2, 3, 4
	cdat0 := cr[0][1:]
	cdat1 := cr[1][1:]
	cdat2 := cr[2][1:]
	cdat3 := cr[3][1:]
	cdat4 := cr[4][1:]
	pdat := pr[1:]
	n := len(cdat0)

	sum := 0
	for i := 0; i < n; i++ {
		cdat2[i] = cdat0[i] - pdat[i]
		sum += abs8(cdat2[i])
	}
	best := sum
	filter := ftUp

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat4[i] = cdat0[i] - pdat[i]
		sum += abs8(cdat4[i])
	}
	for i := bpp; i < n; i++ {
		cdat4[i] = cdat0[i] - paeth(cdat0[i-bpp], pdat[i], pdat[i-bpp])
		sum += abs8(cdat4[i])
		if sum >= best {
			break
		}
	}
	if sum < best {
		best = sum
		filter = ftPaeth
	}

	sum = 0
	for i := 0; i < n; i++ {
		sum += abs8(cdat0[i])
		if sum >= best {
			break
		}
	}
	if sum < best {
		best = sum
		filter = ftNone
	}

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat1[i] = cdat0[i]
		sum += abs8(cdat1[i])
	}
	for i := bpp; i < n; i++ {
		cdat1[i] = cdat0[i] - cdat0[i-bpp]
		sum += abs8(cdat1[i])
		if sum >= best {
			break
		}
	}
	if sum < best {
		best = sum
		filter = ftSub
	}

	sum = 0
	for i := 0; i < bpp; i++ {
		cdat3[i] = cdat0[i] - pdat[i]/2
		sum += abs8(cdat3[i])
	}
	for i := bpp; i < n; i++ {
		cdat3[i] = cdat0[i] - uint8((int(cdat0[i-bpp])+int(pdat[i]))/2)
		sum += abs8(cdat3[i])
		if sum >= best {
			break
		}
	}
	if sum < best {
		filter = ftAverage
	}
	return filter
}

// abs8 is the absolute value of a byte read as an int8.
func abs8(d uint8) int {
	if d < 128 {
		return int(d)
	}
	return 256 - int(d)
}

// paeth is the PNG Paeth predictor of a (left), b (above) and c (above left).
func paeth(a, b, c uint8) uint8 {
	pc := int(c)
	pa := int(b) - pc
	pb := int(a) - pc
	pc = absInt(pa + pb)
	pa = absInt(pa)
	pb = absInt(pb)
	if pa <= pb && pa <= pc {
		return a
	} else if pb <= pc {
		return b
	}
	return c
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
