package imageio

import (
	"bufio"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
)

// The netpbm writers produce the binary ("raw") variants with maxval 255 and
// no comments, so that a P4 bitmap is byte for byte what the Benchmarks Game
// mandelbrot programs print.
//
// Fast paths read *image.Gray, *image.RGBA and *image.Paletted pixels
// directly; every other image goes through At, which is correct but costs an
// interface call and an allocation-prone colour conversion per pixel.
//
// In the paletted fast paths an index beyond the palette reads as opaque
// black, as image/png's decoder does, rather than panicking as
// (*image.Paletted).At would.

// bufSize is large enough that a row of a big image costs one write call.
const bufSize = 64 << 10

func writeHeader(bw *bufio.Writer, magic string, b image.Rectangle, maxval bool) {
	bw.WriteString(magic)
	bw.WriteByte('\n')
	bw.WriteString(strconv.Itoa(b.Dx()))
	bw.WriteByte(' ')
	bw.WriteString(strconv.Itoa(b.Dy()))
	bw.WriteByte('\n')
	if maxval {
		bw.WriteString("255\n")
	}
}

// writeRows calls fill for each row y of b, from top to bottom, and writes
// the n bytes it produced. A write error stops the loop early; bufio keeps the
// error, and Flush reports it.
func writeRows(w io.Writer, magic string, b image.Rectangle, maxval bool, n int, fill func(row []byte, y int)) error {
	bw := bufio.NewWriterSize(w, bufSize)
	writeHeader(bw, magic, b, maxval)
	row := make([]byte, n)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		fill(row, y)
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// netpbmKind is what sets pgm, ppm and pbm apart: the header's magic
// number, whether it gives a maxval, and the bytes of a row.
type netpbmKind struct {
	magic  string
	maxval bool
	// rows returns the bytes per row of img and a function that fills a
	// row with the bytes of img's row y.
	rows func(img image.Image) (n int, fill func(row []byte, y int))
}

var (
	pgmKind = netpbmKind{"P5", true, pgmRows}
	ppmKind = netpbmKind{"P6", true, ppmRows}
	pbmKind = netpbmKind{"P4", false, pbmRows}
)

// encode writes img whole.
func (k netpbmKind) encode(w io.Writer, img image.Image) error {
	n, fill := k.rows(img)
	return writeRows(w, k.magic, img.Bounds(), k.maxval, n, fill)
}

// lum is color.GrayModel's luminance of an 8-bit sRGB triple, inlined so the
// RGBA fast paths give the same bytes as the generic path without a
// conversion through the color.Color interface.
func lum(r, g, b uint8) uint8 {
	r16, g16, b16 := uint32(r)*0x101, uint32(g)*0x101, uint32(b)*0x101
	return uint8((19595*r16 + 38470*g16 + 7471*b16 + 1<<15) >> 24)
}

func grayOf(c color.Color) uint8 {
	return color.GrayModel.Convert(c).(color.Gray).Y
}

// paletteGray returns the luminance of every possible index of p.
func paletteGray(p color.Palette) *[256]uint8 {
	var t [256]uint8 // out-of-range indices: black
	for i := 0; i < len(p) && i < 256; i++ {
		t[i] = grayOf(p[i])
	}
	return &t
}

// pgmRows returns the bytes per row of img in pgm and a function that
// fills a row with the bytes of img's row y.
func pgmRows(img image.Image) (n int, fill func(row []byte, y int)) {
	b := img.Bounds()
	dx := b.Dx()
	switch m := img.(type) {
	case *image.Gray:
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			copy(row, m.Pix[i:i+dx])
		}
	case *image.RGBA:
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			src := m.Pix[i : i+4*dx]
			for x := range row {
				s := src[4*x : 4*x+3 : 4*x+3]
				row[x] = lum(s[0], s[1], s[2])
			}
		}
	case *image.Paletted:
		t := paletteGray(m.Palette)
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			for x, v := range m.Pix[i : i+dx] {
				row[x] = t[v]
			}
		}
	default:
		fill = func(row []byte, y int) {
			for x := range row {
				row[x] = grayOf(img.At(b.Min.X+x, y))
			}
		}
	}
	return dx, fill
}

// ppmRows returns the bytes per row of img in ppm and a function that
// fills a row with the bytes of img's row y.
func ppmRows(img image.Image) (n int, fill func(row []byte, y int)) {
	b := img.Bounds()
	dx := b.Dx()
	switch m := img.(type) {
	case *image.Gray:
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			for x, v := range m.Pix[i : i+dx] {
				row[3*x], row[3*x+1], row[3*x+2] = v, v, v
			}
		}
	case *image.RGBA:
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			src := m.Pix[i : i+4*dx]
			for x := 0; x < dx; x++ {
				s := src[4*x : 4*x+3 : 4*x+3]
				d := row[3*x : 3*x+3 : 3*x+3]
				d[0], d[1], d[2] = s[0], s[1], s[2]
			}
		}
	case *image.Paletted:
		var t [256][3]uint8 // out-of-range indices: black
		for i := 0; i < len(m.Palette) && i < 256; i++ {
			r, g, bl, _ := m.Palette[i].RGBA()
			t[i] = [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}
		}
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			for x, v := range m.Pix[i : i+dx] {
				c := &t[v]
				d := row[3*x : 3*x+3 : 3*x+3]
				d[0], d[1], d[2] = c[0], c[1], c[2]
			}
		}
	default:
		fill = func(row []byte, y int) {
			for x := 0; x < dx; x++ {
				// Alpha is dropped: the colour is written premultiplied, as
				// it would appear composited over black.
				r, g, bl, _ := img.At(b.Min.X+x, y).RGBA()
				row[3*x], row[3*x+1], row[3*x+2] = uint8(r>>8), uint8(g>>8), uint8(bl>>8)
			}
		}
	}
	return 3 * dx, fill
}

// darkThreshold separates the 1 (dark) bits of a P4 bitmap from the 0 bits.
const darkThreshold = 128

func dark(c color.Color) bool { return grayOf(c) < darkThreshold }

// pbmRows returns the bytes per row of img in pbm and a function that
// fills a row with the bytes of img's row y.
func pbmRows(img image.Image) (n int, fill func(row []byte, y int)) {
	b := img.Bounds()
	dx := b.Dx()
	switch m := img.(type) {
	case *image.Gray:
		var t [256]uint8
		for v := range darkThreshold {
			t[v] = 1
		}
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			packBits(row, m.Pix[i:i+dx], &t)
		}
	case *image.Paletted:
		var t [256]uint8
		for i := range t {
			// Out-of-range indices read as black, a 1 bit.
			if i >= len(m.Palette) || dark(m.Palette[i]) {
				t[i] = 1
			}
		}
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			packBits(row, m.Pix[i:i+dx], &t)
		}
	case *image.RGBA:
		fill = func(row []byte, y int) {
			i := m.PixOffset(b.Min.X, y)
			src := m.Pix[i : i+4*dx]
			clear(row)
			for x := 0; x < dx; x++ {
				s := src[4*x : 4*x+3 : 4*x+3]
				if lum(s[0], s[1], s[2]) < darkThreshold {
					row[x>>3] |= 0x80 >> (x & 7)
				}
			}
		}
	default:
		fill = func(row []byte, y int) {
			clear(row)
			for x := 0; x < dx; x++ {
				if dark(img.At(b.Min.X+x, y)) {
					row[x>>3] |= 0x80 >> (x & 7)
				}
			}
		}
	}
	return (dx + 7) / 8, fill
}

// packBits packs one bit per source byte, t[v] (0 or 1), into dst, most
// significant bit first, and zero-pads the last byte. len(dst) must be
// (len(src)+7)/8. Whole bytes are unrolled because this loop is the whole
// cost of writing a 16000x16000 bitmap.
func packBits(dst, src []byte, t *[256]uint8) {
	n := len(src) / 8
	for i := range n {
		s := src[8*i : 8*i+8 : 8*i+8]
		dst[i] = t[s[0]]<<7 | t[s[1]]<<6 | t[s[2]]<<5 | t[s[3]]<<4 |
			t[s[4]]<<3 | t[s[5]]<<2 | t[s[6]]<<1 | t[s[7]]
	}
	if tail := src[8*n:]; len(tail) > 0 {
		var acc uint8
		for j, v := range tail {
			acc |= t[v] << (7 - j)
		}
		dst[n] = acc
	}
}

// PBMWriter writes a P4 bitmap whose rows come already packed, as pbmRows
// packs them: (width+7)/8 bytes each, most significant bit first,
// 1 for black, the last byte of a row padded with 0 bits. It is for a
// renderer that computes bits directly and writes them a strip of rows at a
// time, without holding the whole bitmap.
type PBMWriter struct {
	w               io.Writer
	stride, pending int // pending: rows not yet written
}

// NewPBMWriter checks the size and writes the header of a width x height
// bitmap to w.
func NewPBMWriter(w io.Writer, width, height int) (*PBMWriter, error) {
	if err := CheckSize(PBM, width, height); err != nil {
		return nil, err
	}
	if _, err := fmt.Fprintf(w, "P4\n%d %d\n", width, height); err != nil {
		return nil, err
	}
	return &PBMWriter{w: w, stride: (width + 7) / 8, pending: height}, nil
}

// Write writes whole packed rows; a partial row, or rows past the height,
// are refused before anything is written.
func (p *PBMWriter) Write(rows []byte) (int, error) {
	if len(rows)%p.stride != 0 || len(rows)/p.stride > p.pending {
		return 0, fmt.Errorf("imageio: pbm: %d bytes are not whole rows of %d bytes within the %d rows left", len(rows), p.stride, p.pending)
	}
	p.pending -= len(rows) / p.stride
	return p.w.Write(rows)
}

// Close reports an error if rows are missing; it does not close the
// underlying writer.
func (p *PBMWriter) Close() error {
	if p.pending != 0 {
		return fmt.Errorf("imageio: pbm: %d rows missing", p.pending)
	}
	return nil
}
