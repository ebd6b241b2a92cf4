package imageio

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"io"
	"strconv"
)

// The npy formats hold the numbers behind a picture rather than its
// colours: a NumPy array (the .npy format, version 1.0, as numpy.save
// writes it) of height x width elements, rows top to bottom, in C order,
// little-endian. npy holds iteration counts as uint32, npy-smooth the
// smooth (continuous) escape times as float32. Their rows come from the
// renderer's frame, not from an image, so they have an NPYWriter instead
// of an image encoder (Format.Counts).

// npyAlign is what numpy pads the header to, so that the data is aligned
// (numpy.lib.format's ARRAY_ALIGN).
const npyAlign = 64

// npyMagic starts every .npy file; version 1.0 follows.
const npyMagic = "\x93NUMPY\x01\x00"

// npyHeader is the header of a height x width array of type descr (a
// NumPy type string, such as "<u4"), with numpy.save's bytes: its
// dictionary's text, padded with spaces and a newline to a multiple of
// npyAlign.
func npyHeader(descr string, height, width int) []byte {
	dict := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" +
		strconv.Itoa(height) + ", " + strconv.Itoa(width) + "), }"
	n := len(npyMagic) + 2 + len(dict) + 1
	pad := (npyAlign - n%npyAlign) % npyAlign
	h := make([]byte, 0, n+pad)
	h = append(h, npyMagic...)
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+pad+1))
	h = append(h, dict...)
	for range pad {
		h = append(h, ' ')
	}
	return append(h, '\n')
}

// NPYWriter writes an npy array whose rows come already encoded: 4 bytes
// an element, little-endian, as the format's type says (Format.NPYType).
// It holds nothing, so strips of any height go straight to the writer.
type NPYWriter struct {
	w               io.Writer
	stride, pending int // pending: rows not yet written
}

// NewNPYWriter checks the size and writes the header of a height x width
// array in format f, npy or npy-smooth, to w.
func NewNPYWriter(w io.Writer, f Format, width, height int) (*NPYWriter, error) {
	if err := CheckSize(f, width, height); err != nil {
		return nil, err
	}
	descr := f.NPYType()
	if descr == "" {
		return nil, fmt.Errorf("imageio: %s is not an npy format", f)
	}
	if _, err := w.Write(npyHeader(descr, height, width)); err != nil {
		return nil, err
	}
	return &NPYWriter{w: w, stride: 4 * width, pending: height}, nil
}

// Write writes whole encoded rows; a partial row, or rows past the height,
// are refused before anything is written.
func (p *NPYWriter) Write(rows []byte) (int, error) {
	if len(rows)%p.stride != 0 || len(rows)/p.stride > p.pending {
		return 0, fmt.Errorf("imageio: npy: %d bytes are not whole rows of %d bytes within the %d rows left", len(rows), p.stride, p.pending)
	}
	p.pending -= len(rows) / p.stride
	return p.w.Write(rows)
}

// Close reports an error if rows are missing; it does not close the
// underlying writer.
func (p *NPYWriter) Close() error {
	if p.pending != 0 {
		return fmt.Errorf("imageio: npy: %d rows missing", p.pending)
	}
	return nil
}

// npyRow is the table's row of an npy format.
func npyRow(f Format, exts []string, descr string) formatRow {
	notImage := func() error {
		return fmt.Errorf("%s holds a render's iteration counts, not an image: write it with NewNPYWriter", f)
	}
	return formatRow{
		format: f, exts: exts, ext: ".npy", npyType: descr,
		encode: func(*Encoder, io.Writer, image.Image) error { return notImage() },
		newRowWriter: func(*Encoder, io.Writer, int, int, color.Model) (RowWriter, error) {
			return nil, fmt.Errorf("imageio: %w", notImage())
		},
		// The header and no more: the rows go to the writer as they come.
		streamMemory: func(_ *Encoder, width int) float64 { return npyAlign*2 + 4*float64(width) },
	}
}
