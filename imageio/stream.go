package imageio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
)

// RowWriter writes an image a strip of rows at a time, so that no one holds
// the whole image. WriteRows takes a strip of consecutive rows, all of its
// image's rows whatever its bounds' origin, as wide as the image; Close
// reports rows that are missing, and does not close the underlying writer.
// The bytes are those that Encoder writes for the whole image, whatever the
// strips.
type RowWriter interface {
	WriteRows(m image.Image) error
	Close() error
}

// wholeWriter is the RowWriter of a format that needs the whole image: it
// takes one strip of every row and encodes it at once.
type wholeWriter struct {
	e       *Encoder
	w       io.Writer
	height  int
	written bool
}

func (p *wholeWriter) WriteRows(m image.Image) error {
	if p.written || m == nil || m.Bounds().Dy() != p.height {
		return fmt.Errorf("imageio: %s needs the whole image, %d rows, in one strip", p.e.Format, p.height)
	}
	p.written = true
	return p.e.Encode(p.w, m)
}

func (p *wholeWriter) Close() error {
	if !p.written {
		return fmt.Errorf("imageio: %s: the image was not written", p.e.Format)
	}
	return nil
}

// NewRowWriter writes the header of a width x height image in the
// encoder's format to w, and returns a writer for its rows, which must
// arrive in the order that Format.BottomUp says. model is what the rows are, as
// for NewPNGWriter: a color.Palette (*image.Paletted rows; for png, of 17
// to 256 colours), color.GrayModel
// (*image.Gray) or color.RGBAModel (opaque *image.RGBA), as ModelOf gives;
// png also takes color.NRGBAModel; pgm, ppm and pbm take rows of any type.
// The formats that do not stream (jpeg, gif, tiff) take the whole image as
// one strip and encode it as Encode does.
func (e *Encoder) NewRowWriter(w io.Writer, width, height int, model color.Model) (RowWriter, error) {
	if err := CheckSize(e.Format, width, height); err != nil {
		return nil, err
	}
	row := rowOf(e.Format) // known: CheckSize knows it
	if row.newRowWriter == nil {
		return &wholeWriter{e: e, w: w, height: height}, nil
	}
	return row.newRowWriter(e, w, width, height, model)
}

// rowCount keeps the count of rows written, and the first error.
type rowCount struct {
	format        Format
	width, height int
	done          int
	err           error
}

// take checks a strip of m's size and counts its rows.
func (c *rowCount) take(m image.Image) error {
	if c.err != nil {
		return c.err
	}
	if m == nil {
		c.err = fmt.Errorf("imageio: %s writer: a nil strip", c.format)
		return c.err
	}
	if w := m.Bounds().Dx(); w != c.width {
		c.err = fmt.Errorf("imageio: %s writer: a strip %d pixels wide, want %d", c.format, w, c.width)
		return c.err
	}
	return c.count(m.Bounds().Dy())
}

// count counts n rows as written, unless they go past the height.
func (c *rowCount) count(n int) error {
	if c.err != nil {
		return c.err
	}
	if n > c.height-c.done {
		c.err = fmt.Errorf("imageio: %s writer: %d rows, past the %d rows left", c.format, n, c.height-c.done)
		return c.err
	}
	c.done += n
	return nil
}

func (c *rowCount) close() error {
	if c.err != nil {
		return c.err
	}
	if c.done != c.height {
		c.err = fmt.Errorf("imageio: %s writer: %d rows missing", c.format, c.height-c.done)
		return c.err
	}
	c.err = fmt.Errorf("imageio: %s writer: closed", c.format)
	return nil
}

// netpbmWriter streams pgm, ppm and pbm, whose rows follow the header top
// to bottom.
type netpbmWriter struct {
	rowCount
	kind netpbmKind
	bw   *bufio.Writer
	row  []byte
}

func newNetpbmWriter(w io.Writer, f Format, kind netpbmKind, width, height int) *netpbmWriter {
	bw := bufio.NewWriterSize(w, bufSize)
	writeHeader(bw, kind.magic, image.Rect(0, 0, width, height), kind.maxval)
	return &netpbmWriter{rowCount: rowCount{format: f, width: width, height: height}, kind: kind, bw: bw}
}

func (p *netpbmWriter) WriteRows(m image.Image) error {
	if err := p.take(m); err != nil {
		return err
	}
	n, fill := p.kind.rows(m)
	if len(p.row) != n {
		p.row = make([]byte, n)
	}
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		fill(p.row, y)
		if _, err := p.bw.Write(p.row); err != nil {
			p.err = err
			return err
		}
	}
	return nil
}

func (p *netpbmWriter) Close() error {
	if err := p.close(); err != nil {
		return err
	}
	return p.bw.Flush()
}

// bmpWriter streams a bmp bottom to top, with the bytes of
// golang.org/x/image/bmp: 8 bits per pixel with a palette for paletted and
// grey images, 24 for opaque RGBA ones, rows padded to 4 bytes.
type bmpWriter struct {
	rowCount
	w    *bufio.Writer
	kind stripKind
	row  []byte
}

func newBMPWriter(w io.Writer, width, height int, model color.Model) (*bmpWriter, error) {
	var palette []byte
	bpp, step := 8, (width+3)&^3
	kind, pal := kindOf(model)
	switch kind {
	case palettedRows:
		if len(pal) > 256 {
			return nil, fmt.Errorf("imageio: bmp writer: a palette of %d colours, want at most 256", len(pal))
		}
		palette = make([]byte, 1024)
		for i, c := range pal {
			r, g, b, _ := c.RGBA()
			palette[i*4+0], palette[i*4+1], palette[i*4+2], palette[i*4+3] = uint8(b>>8), uint8(g>>8), uint8(r>>8), 0xff
		}
	case grayRows:
		palette = make([]byte, 1024)
		for i := range 256 {
			palette[i*4+0], palette[i*4+1], palette[i*4+2], palette[i*4+3] = uint8(i), uint8(i), uint8(i), 0xff
		}
	case rgbaRows:
		bpp, step = 24, (3*width+3)&^3
	default:
		return nil, errors.New("imageio: bmp writer: the model must be a color.Palette, color.GrayModel or color.RGBAModel")
	}
	imageSize := uint32(height * step)
	var h [54]byte
	le := binary.LittleEndian
	h[0], h[1] = 'B', 'M'
	le.PutUint32(h[2:], 54+uint32(len(palette))+imageSize) // file size
	le.PutUint32(h[10:], 54+uint32(len(palette)))          // pixel offset
	le.PutUint32(h[14:], 40)                               // info header size
	le.PutUint32(h[18:], uint32(width))
	le.PutUint32(h[22:], uint32(height))
	le.PutUint16(h[26:], 1) // planes
	le.PutUint16(h[28:], uint16(bpp))
	le.PutUint32(h[34:], imageSize)
	bw := bufio.NewWriterSize(w, bufSize)
	bw.Write(h[:])
	bw.Write(palette)
	return &bmpWriter{
		rowCount: rowCount{format: BMP, width: width, height: height},
		w:        bw, kind: kind, row: make([]byte, step),
	}, nil
}

// WriteRows writes the strip m, which lies just above the rows written
// before it: the strips go bottom to top.
func (p *bmpWriter) WriteRows(m image.Image) error {
	if m == nil {
		return p.fail(errors.New("imageio: bmp writer: a nil strip"))
	}
	b := m.Bounds()
	var fill func(y int)
	switch m := m.(type) {
	case *image.Paletted:
		if p.kind == palettedRows {
			fill = func(y int) { copy(p.row, m.Pix[m.PixOffset(b.Min.X, y):][:b.Dx()]) }
		}
	case *image.Gray:
		if p.kind == grayRows {
			fill = func(y int) { copy(p.row, m.Pix[m.PixOffset(b.Min.X, y):][:b.Dx()]) }
		}
	case *image.RGBA:
		if p.kind == rgbaRows {
			if !m.Opaque() {
				return p.fail(errors.New("imageio: bmp writer: a strip with pixels that are not opaque"))
			}
			fill = func(y int) {
				src := m.Pix[m.PixOffset(b.Min.X, y):]
				for x := range b.Dx() {
					p.row[3*x], p.row[3*x+1], p.row[3*x+2] = src[4*x+2], src[4*x+1], src[4*x]
				}
			}
		}
	}
	if fill == nil {
		return p.fail(fmt.Errorf("imageio: bmp writer: a %T strip does not match the model", m))
	}
	if err := p.take(m); err != nil {
		return err
	}
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		fill(y)
		if _, err := p.w.Write(p.row); err != nil {
			p.err = err
			return err
		}
	}
	return nil
}

func (p *bmpWriter) fail(err error) error {
	if p.err == nil {
		p.err = err
	}
	return p.err
}

func (p *bmpWriter) Close() error {
	if err := p.close(); err != nil {
		return err
	}
	return p.w.Flush()
}

// StreamMemory estimates, in bytes, what the encoder's RowWriter holds for
// an image width pixels wide, besides the strips given to it, assuming 4
// bytes a pixel, the most any model takes: for png, the rows of the
// compression strips queued or being compressed (up to three per worker),
// each with the 32 KiB before it, their compressed data and a compressor
// per worker; for the other formats that stream, a buffer and a row. It is
// 0 for a format that does not stream: its writer takes the whole image,
// which the caller holds.
func (e *Encoder) StreamMemory(width int) float64 {
	row := rowOf(e.Format)
	if row == nil || row.streamMemory == nil {
		return 0
	}
	return row.streamMemory(e, width)
}

// bufferedStreamMemory is StreamMemory for a writer that holds a buffer
// and a row.
func bufferedStreamMemory(_ *Encoder, width int) float64 {
	return bufSize + 1 + 4*float64(width)
}

// pngStreamMemory is StreamMemory for png.
func pngStreamMemory(e *Encoder, width int) float64 {
	row := 1 + 4*float64(width)
	workers := pngWorkers(e.Workers)
	const flateState = 1 << 20 // compress/flate's compressor, rounded up
	strip := max(float64(pngStripBytes), row) + windowSize + 2*row
	// The filters' rows, the strip and its compressed data (less than
	// the strip, unless it is incompressible).
	perWorker := 3*(2*strip) + flateState + 7*row
	return float64(workers)*perWorker + strip
}
