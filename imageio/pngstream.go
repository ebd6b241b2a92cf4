package imageio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"runtime"
	"slices"
	"strings"
	"unicode/utf8"
)

// PNGText is a tEXt chunk: a keyword of 1 to 79 Latin-1 characters
// (printable, no leading, trailing or double spaces) and a text of Latin-1
// characters without NUL. The strings are Go's, UTF-8; the chunk holds
// their Latin-1 bytes, as the PNG specification asks, and PNGReader turns
// them back.
type PNGText struct{ Key, Value string }

// PNGOptions are the options of a PNGWriter. The zero value is the default.
type PNGOptions struct {
	// Workers is the most goroutines that compress at once; 0 or more than
	// GOMAXPROCS means GOMAXPROCS. The bytes written do not depend on it.
	Workers int
	// Text is written as tEXt chunks, in order, before the image data.
	Text []PNGText
}

// PNGWriter writes a PNG whose rows arrive a strip at a time, so that no
// one holds the whole image: it keeps about a compression strip (512 KiB of
// rows) per worker, plus the 32 KiB before it.
//
// Its compression strips, like Encoder's, depend on the image's width only,
// never on how the rows arrive or on the number of workers: rows are
// buffered until a compression strip is full. So the bytes are those that an
// Encoder with PNG writes for the whole image (with the same colour type),
// whatever the strips given to WriteRows or WriteRawRows, plus the tEXt
// chunks.
//
// A PNGWriter is not safe for concurrent use. A method that returns an error
// has waited for its compressing goroutines; so has Close, always.
type PNGWriter struct {
	rowCount
	cw        chunkWriter
	p         pngImage // row is unused: the strips carry their rows
	stripRows int      // rows per compression strip
	next      int      // the next row to arrive
	buf       []byte   // raw rows [bufLo, next), PNG bytes without the filter byte
	bufLo     int
	strips    []*pngStrip // compressed or compressing, not yet written
	filters   chan *pngFilter
	spare     chan []byte // row buffers whose strip is compressed, for reuse
	maxQueue  int
	adler     uint32
	first     bool // no IDAT written yet
}

// pngWorkers is how many goroutines compress at once when n are asked
// for: n, but GOMAXPROCS where n is 0 or more.
func pngWorkers(n int) int {
	if n <= 0 || n > runtime.GOMAXPROCS(0) {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

// NewPNGWriter writes the signature and the header chunks of a width x
// height PNG to w, and returns a writer for its rows. model says what the
// rows are and how they are written:
//
//   - a color.Palette of 17 to 256 colours: rows are *image.Paletted with
//     that palette, written paletted (8 bits per pixel, with tRNS if some
//     colour is not opaque);
//   - color.GrayModel: rows are *image.Gray, written as 8-bit grey;
//   - color.RGBAModel: rows are opaque *image.RGBA, written as 8-bit RGB
//     (image/png's choice for an opaque RGBA image); a pixel that is not
//     opaque is an error;
//   - color.NRGBAModel: rows are *image.RGBA, premultiplied as always, and
//     written as 8-bit RGBA with straight alpha (image/png's choice for an
//     RGBA image that is not opaque).
func NewPNGWriter(w io.Writer, width, height int, model color.Model, opts PNGOptions) (*PNGWriter, error) {
	if err := CheckSize(PNG, width, height); err != nil {
		return nil, err
	}
	p := pngImage{width: width, height: height, bpp: 1}
	switch kind, pal := kindOf(model); kind {
	case palettedRows:
		if len(pal) <= 16 || len(pal) > 256 {
			return nil, fmt.Errorf("imageio: png writer: a palette of %d colours, want 17..256", len(pal))
		}
		p.colour, p.palette = pngPaletted, pal
	case grayRows:
		p.colour = pngGray
	case rgbaRows:
		p.colour, p.bpp = pngRGB, 3
	case nrgbaRows:
		p.colour, p.bpp = pngRGBAlpha, 4
	default:
		return nil, errors.New("imageio: png writer: the model must be a color.Palette, color.GrayModel, color.RGBAModel or color.NRGBAModel")
	}
	for _, t := range opts.Text {
		if err := checkText(t); err != nil {
			return nil, fmt.Errorf("imageio: png writer: %w", err)
		}
	}
	p.width *= p.bpp
	workers := pngWorkers(opts.Workers)
	pw := &PNGWriter{
		rowCount:  rowCount{format: PNG, width: width, height: height},
		cw:        chunkWriter{w: w},
		p:         p,
		stripRows: max(1, (pngStripBytes+p.width)/(p.width+1)),
		filters:   make(chan *pngFilter, workers),
		spare:     make(chan []byte, 2*workers+1),
		maxQueue:  2 * workers,
		adler:     1,
		first:     true,
	}
	for range workers {
		pw.filters <- nil // made when first needed
	}
	// Room for the first strip: growing a row at a time would copy it
	// over and over.
	pw.buf = make([]byte, 0, pw.stripRows*p.width)
	pw.writeHeader(opts.Text)
	if pw.cw.err != nil {
		return nil, pw.cw.err
	}
	return pw, nil
}

// checkText checks a tEXt chunk against the PNG specification.
func checkText(t PNGText) error {
	k := t.Key
	if len(k) < 1 || len(k) > 79 {
		return fmt.Errorf("tEXt keyword %q: want 1 to 79 characters", k)
	}
	if k[0] == ' ' || k[len(k)-1] == ' ' || strings.Contains(k, "  ") {
		return fmt.Errorf("tEXt keyword %q: leading, trailing or double space", k)
	}
	if utf8.RuneCountInString(k) > 79 {
		return fmt.Errorf("tEXt keyword %q: want 1 to 79 characters", k)
	}
	for _, c := range k {
		if c < 32 || (c > 126 && c < 161) || c > 255 {
			return fmt.Errorf("tEXt keyword %q: %q is not printable Latin-1", k, c)
		}
	}
	for _, c := range t.Value {
		switch {
		case c == 0:
			return fmt.Errorf("tEXt %q: the text contains a NUL byte", k)
		case c > 255:
			return fmt.Errorf("tEXt %q: %q is not a Latin-1 character", k, c)
		}
	}
	return nil
}

// latin1Bytes returns s, of Latin-1 characters (checkText), in Latin-1.
func latin1Bytes(s string) []byte {
	b := make([]byte, 0, len(s))
	for _, c := range s {
		b = append(b, byte(c))
	}
	return b
}

func (pw *PNGWriter) writeHeader(text []PNGText) {
	cw := &pw.cw
	_, cw.err = io.WriteString(cw.w, pngSignature)
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:4], uint32(pw.p.width/pw.p.bpp))
	binary.BigEndian.PutUint32(ihdr[4:8], uint32(pw.p.height))
	ihdr[8], ihdr[9] = 8, byte(pw.p.colour)
	cw.write("IHDR", ihdr[:])
	if pw.p.colour == pngPaletted {
		cw.writePalette(pw.p.palette)
	}
	for _, t := range text {
		cw.write("tEXt", latin1Bytes(t.Key), []byte{0}, latin1Bytes(t.Value))
	}
}

// WriteRows writes the rows of m, a strip of consecutive rows that follows
// the rows written before: all of m's rows, whatever its bounds' origin, so
// that a strip image may start at (0, 0) or at its place in the picture.
// m must be as wide as the PNG and of the type that the model says; rows
// past the height are refused before any is taken. It may compress and
// write strips that are complete; m may be reused once it returns.
func (pw *PNGWriter) WriteRows(m image.Image) error {
	if err := pw.take(m); err != nil {
		return pw.fail(err)
	}
	b := m.Bounds()
	row, err := pw.rowReader(m)
	if err != nil {
		return pw.fail(err)
	}
	return pw.addRows(b.Dy(), func(i int, dst []byte) { row(b.Min.Y+i, dst) })
}

// RowBytes is the length of a row as WriteRawRows takes it: the width
// times the bytes per pixel of the PNG's colour type (1 grey or paletted,
// 3 RGB, 4 RGBA), as PNGReader.ReadRow returns it.
func (pw *PNGWriter) RowBytes() int { return pw.p.width }

// WriteRawRows writes rows already in the PNG's own layout, RowBytes bytes
// each, one after the other: palette indices, grey levels, RGB triples or
// straight-alpha RGBA quadruples, as PNGReader.ReadRow returns them. So a
// PNG's rows pass through without becoming an image and back (an RGB row
// would be widened to RGBA for WriteRows to drop the alpha again). The
// bytes written are those of WriteRows given the same pixels. rows must
// hold whole rows, not past the height: anything else is an error, and
// nothing of it is taken. rows may be reused once it returns.
func (pw *PNGWriter) WriteRawRows(rows []byte) error {
	if pw.err != nil {
		return pw.err
	}
	rowLen := pw.p.width
	if len(rows)%rowLen != 0 {
		return pw.fail(fmt.Errorf("imageio: png writer: %d bytes of raw rows, not whole rows of %d bytes", len(rows), rowLen))
	}
	n := len(rows) / rowLen
	if err := pw.count(n); err != nil {
		return pw.fail(err)
	}
	return pw.addRows(n, func(i int, dst []byte) { copy(dst, rows[i*rowLen:(i+1)*rowLen]) })
}

// addRows appends n rows, which row copies in PNG bytes, to the buffer,
// and hands each compression strip that they complete to a goroutine.
func (pw *PNGWriter) addRows(n int, row func(i int, dst []byte)) error {
	for i := range n {
		k := len(pw.buf)
		pw.buf = slices.Grow(pw.buf, pw.p.width)[:k+pw.p.width]
		row(i, pw.buf[k:])
		pw.next++
		if pw.next%pw.stripRows == 0 || pw.next == pw.p.height {
			if err := pw.submit(); err != nil {
				return pw.fail(err)
			}
		}
	}
	return nil
}

// rowReader returns a function that copies row y of m, in PNG bytes, to dst,
// or an error if m is not what the model says.
func (pw *PNGWriter) rowReader(m image.Image) (func(y int, dst []byte), error) {
	b := m.Bounds()
	bad := func() error {
		return fmt.Errorf("imageio: png writer: a %T strip for a %s PNG", m, pngColourName(pw.p.colour))
	}
	switch pw.p.colour {
	case pngPaletted:
		pm, ok := m.(*image.Paletted)
		if !ok {
			return nil, bad()
		}
		if !samePalette(pm.Palette, pw.p.palette) {
			return nil, errors.New("imageio: png writer: a strip with another palette")
		}
		return func(y int, dst []byte) { copy(dst, pm.Pix[pm.PixOffset(b.Min.X, y):]) }, nil
	case pngGray:
		gm, ok := m.(*image.Gray)
		if !ok {
			return nil, bad()
		}
		return func(y int, dst []byte) { copy(dst, gm.Pix[gm.PixOffset(b.Min.X, y):]) }, nil
	case pngRGB:
		rm, ok := m.(*image.RGBA)
		if !ok {
			return nil, bad()
		}
		if !rm.Opaque() {
			return nil, errors.New("imageio: png writer: a strip with pixels that are not opaque, for an RGB PNG (use color.NRGBAModel)")
		}
		return func(y int, dst []byte) { rgbRow(dst, rm.Pix[rm.PixOffset(b.Min.X, y):]) }, nil
	default: // pngRGBAlpha
		rm, ok := m.(*image.RGBA)
		if !ok {
			return nil, bad()
		}
		return func(y int, dst []byte) { nrgbaRow(dst, rm.Pix[rm.PixOffset(b.Min.X, y):]) }, nil
	}
}

func pngColourName(c pngColour) string {
	switch c {
	case pngPaletted:
		return "paletted"
	case pngGray:
		return "grey"
	case pngRGB:
		return "RGB"
	}
	return "RGBA"
}

// samePalette reports whether a and b are the same colours; a strip made
// with the writer's palette shares its slice, which costs nothing to check.
func samePalette(a, b color.Palette) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) > 0 && &a[0] == &b[0] {
		return true
	}
	for i := range a {
		r1, g1, b1, a1 := a[i].RGBA()
		r2, g2, b2, a2 := b[i].RGBA()
		if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
			return false
		}
	}
	return true
}

// submit hands the compression strip that ends at row pw.next to a
// goroutine, with the rows before it that its dictionary and its first
// row's filter need, and writes the strips that are done, in order.
func (pw *PNGWriter) submit() error {
	hi := pw.next
	lo := (hi - 1) / pw.stripRows * pw.stripRows
	rowLen := 1 + pw.p.width
	// The rows that compress reads: the dictionary's, and one above them
	// for the filter of the first.
	from := max(0, lo-(windowSize+rowLen-1)/rowLen-1)
	old := pw.buf
	rows := old[(from-pw.bufLo)*pw.p.width:]
	s := &pngStrip{done: make(chan struct{})}
	pw.strips = append(pw.strips, s)
	f := <-pw.filters
	job := pw.p
	width := job.width
	job.row = func(y int, dst []byte) { copy(dst, rows[(y-from)*width:]) }
	last := hi == pw.p.height
	go func() {
		if f == nil {
			f = newPNGFilter(job)
		}
		f.p = job
		f.compress(s, lo, hi, last)
		pw.filters <- f // never blocks: it has room for every filter
		select {
		case pw.spare <- old[:0]:
		default: // enough spares already
		}
		close(s.done)
	}()
	// Keep the rows that the next strip reads before its own; the job
	// holds on to the old buffer.
	keepFrom := max(0, hi-(windowSize+rowLen-1)/rowLen-1)
	kept := pw.buf[(keepFrom-pw.bufLo)*pw.p.width:]
	pw.buf = append(pw.rowBuffer((hi-keepFrom+pw.stripRows)*pw.p.width), kept...)
	pw.bufLo = keepFrom
	return pw.flush(len(pw.strips) >= pw.maxQueue)
}

// rowBuffer returns an empty buffer of at least size bytes, reusing one
// whose strip has been compressed when it is large enough.
func (pw *PNGWriter) rowBuffer(size int) []byte {
	select {
	case b := <-pw.spare:
		if cap(b) >= size {
			return b
		}
	default:
	}
	return make([]byte, 0, size)
}

// flush writes the strips that are done, in order; with wait, it waits
// for the first one at least.
func (pw *PNGWriter) flush(wait bool) error {
	for len(pw.strips) > 0 {
		s := pw.strips[0]
		if wait {
			<-s.done
			wait = false
		} else {
			select {
			case <-s.done:
			default:
				return nil
			}
		}
		pw.strips = pw.strips[1:]
		if s.err != nil {
			return s.err
		}
		pw.adler = adler32Combine(pw.adler, s.adler, s.n)
		var head, tail []byte
		if pw.first {
			head, pw.first = zlibHeader, false
		}
		if len(pw.strips) == 0 && pw.next == pw.p.height {
			tail = binary.BigEndian.AppendUint32(nil, pw.adler)
		}
		pw.cw.write("IDAT", head, s.data.Bytes(), tail)
		if pw.cw.err != nil {
			return pw.cw.err
		}
	}
	return nil
}

// fail waits for the compressing goroutines, and makes err the writer's.
func (pw *PNGWriter) fail(err error) error {
	for _, s := range pw.strips {
		<-s.done
	}
	pw.strips = nil
	pw.buf = nil
	pw.err = err
	return err
}

// Close waits for the strips being compressed, writes them and the IEND
// chunk, and reports an error if rows are missing. It does not close the
// underlying writer.
func (pw *PNGWriter) Close() error {
	if err := pw.close(); err != nil {
		return pw.fail(err)
	}
	for len(pw.strips) > 0 {
		if err := pw.flush(true); err != nil {
			return pw.fail(err)
		}
	}
	pw.cw.write("IEND")
	if pw.cw.err != nil {
		return pw.fail(pw.cw.err)
	}
	return nil
}
