package imageio

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"sync"
)

// DefaultQuality is the JPEG quality used when Encoder.Quality is 0. It is
// higher than image/jpeg's default (75) because the fine filaments of the
// Mandelbrot set are exactly what JPEG's quantisation smears first.
const DefaultQuality = 90

// ErrEmptyImage is wrapped by the error returned for an image with no pixels:
// several formats cannot represent one, and mandel never means to write one.
var ErrEmptyImage = errors.New("empty image")

// Encoder writes images in one format. The zero value of each option selects
// its default. An Encoder may be used by several goroutines at once.
type Encoder struct {
	// Format selects the output format.
	Format Format
	// Quality is the JPEG quality, 1 to 100; 0 means DefaultQuality. Other
	// formats ignore it.
	Quality int
	// Workers is the most goroutines that compress a PNG at once; 0 or more
	// than GOMAXPROCS means GOMAXPROCS. The bytes written do not depend on
	// it. Other formats ignore it.
	Workers int
}

// Encode writes img to w in the encoder's format. Images whose bounds do not
// start at (0, 0) are written as if translated there. An image that is empty
// or too large for the format (see CheckSize) is refused before anything is
// written.
func (e *Encoder) Encode(w io.Writer, img image.Image) error {
	if err := e.encode(w, img); err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	return nil
}

// Encode writes img to w in format f with default options.
func Encode(w io.Writer, img image.Image, f Format) error {
	e := Encoder{Format: f}
	return e.Encode(w, img)
}

// encode returns errors without the package prefix, which Encode adds.
func (e *Encoder) encode(w io.Writer, img image.Image) error {
	row := rowOf(e.Format)
	if row == nil {
		return unknownFormat(e.Format)
	}
	if row.checkOptions != nil {
		if err := row.checkOptions(e); err != nil {
			return err
		}
	}
	if img == nil {
		return fmt.Errorf("%s: %w, got nil", e.Format, ErrEmptyImage)
	}
	// Refuse what the format cannot hold before writing a byte: some
	// encoders (bmp, tiff) would otherwise write a corrupt file.
	b := img.Bounds()
	if err := checkSize(e.Format, b.Dx(), b.Dy()); err != nil {
		return err
	}
	if err := row.encode(e, w, img); err != nil {
		return fmt.Errorf("encode %s: %w", e.Format, err)
	}
	return nil
}

// quality is the JPEG quality that the encoder uses.
func (e *Encoder) quality() int {
	if e.Quality == 0 {
		return DefaultQuality
	}
	return e.Quality
}

// pngEncoder, for the images that encodePNG leaves to image/png, uses the
// default compression: on the renderer's paletted output it costs little
// more than BestSpeed and gives noticeably smaller files. The buffer pool spares the 1 MiB or so of zlib state per image
// when a benchmark sweep writes many of them.
var pngEncoder = png.Encoder{
	CompressionLevel: png.DefaultCompression,
	BufferPool:       new(pngBufferPool),
}

type pngBufferPool struct{ pool sync.Pool }

func (p *pngBufferPool) Get() *png.EncoderBuffer {
	b, _ := p.pool.Get().(*png.EncoderBuffer)
	return b
}

func (p *pngBufferPool) Put(b *png.EncoderBuffer) { p.pool.Put(b) }

// gifImage returns what to give gif.Encode for img. image/gif already writes
// a *image.Paletted of up to 256 colours as is (translated to the origin),
// but it would dither every other image through the Plan 9 palette, even one
// that has few enough colours to be written exactly.
func gifImage(img image.Image) image.Image {
	if p, ok := img.(*image.Paletted); ok && len(p.Palette) <= 256 {
		return p
	}
	if p := exactPaletted(img); p != nil {
		return p
	}
	return img
}

// tiffImage returns what to give tiff.Encode for img. Its fast paths take
// Stride bytes for every row, the last included, so they run off the pixels
// of a sub-image that reaches its parent's bottom-right corner (a panic);
// such an image gets pixels of its own, with room for the whole last row.
func tiffImage(img image.Image) image.Image {
	switch m := img.(type) {
	case *image.Gray:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.Paletted:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.Gray16:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.RGBA:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.NRGBA:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.RGBA64:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	case *image.NRGBA64:
		c := *m
		c.Pix = padded(m.Pix, m.Stride, m.Rect.Dy())
		return &c
	}
	return img
}

// padded returns pix if it holds stride bytes for each of rows rows, else
// a copy that does; the bytes past the last row's pixels are not pixels.
func padded(pix []byte, stride, rows int) []byte {
	if len(pix) >= stride*rows {
		return pix
	}
	c := make([]byte, stride*rows)
	copy(c, pix)
	return c
}

// exactPaletted returns img converted losslessly to a paletted image, or nil
// if it has more than 256 distinct colours. The scan stops at the 257th
// colour, which a smoothly coloured picture reaches within a few rows.
func exactPaletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	index := make(map[color.RGBA64]uint8, 256)
	var pal color.Palette
	p := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), nil)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := p.Pix[(y-b.Min.Y)*p.Stride:]
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			c := color.RGBA64{uint16(r), uint16(g), uint16(bl), uint16(a)}
			i, ok := index[c]
			if !ok {
				if len(pal) == 256 {
					return nil
				}
				i = uint8(len(pal))
				index[c] = i
				pal = append(pal, c)
			}
			row[x-b.Min.X] = i
		}
	}
	p.Palette = pal
	return p
}
