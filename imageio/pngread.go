package imageio

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"slices"
)

// PNGReader reads a PNG a row at a time, holding two rows, so that images
// of any height pass through bounded memory; image/png decodes the whole
// image at once. It reads what this package writes: 8 bits per sample,
// colour types gray, RGB, paletted and RGBA, not interlaced. Every chunk's
// CRC is checked, and the image data's Adler-32 at its end.
type PNGReader struct {
	info    PNGInfo
	bpp     int // bytes per pixel
	rowLen  int // bytes per row, without the filter byte
	y       int // the next row
	prev    []byte
	cur     []byte
	idat    *idatReader
	zr      io.ReadCloser
	br      *bufio.Reader
	crc     hash.Hash32
	scratch [8]byte
}

// PNGInfo is what a PNG says before its image data.
type PNGInfo struct {
	Width, Height int
	// ColourType is the PNG colour type: 0 gray, 2 RGB, 3 paletted,
	// 6 RGBA, each with 8 bits per sample.
	ColourType int
	// Palette is the PLTE chunk's data, three bytes an entry, and
	// Transparency the tRNS chunk's, if any.
	Palette, Transparency []byte
	// Text is the tEXt chunks before the image data, in order.
	Text []PNGText
}

// maxTextChunk bounds the ancillary chunks a PNGReader keeps in memory.
const maxTextChunk = 1 << 20

// errPNG wraps the errors of a PNG that is not what it should be.
var errPNG = errors.New("not a valid PNG")

func pngErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errPNG, fmt.Sprintf(format, args...))
}

// NewPNGReader reads r's PNG signature and every chunk before its image data.
func NewPNGReader(r io.Reader) (*PNGReader, error) {
	d := &PNGReader{br: bufio.NewReaderSize(r, 64<<10), crc: crc32.NewIEEE()}
	sig := make([]byte, len(pngSignature))
	if _, err := io.ReadFull(d.br, sig); err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		// A failed read (a directory, an I/O error) is not a file that
		// is no PNG: say what failed.
		return nil, err
	} else if err != nil || string(sig) != pngSignature {
		return nil, pngErrorf("no PNG signature")
	}
	seenIHDR := false
	for {
		length, typ, err := d.chunkHeader()
		if err != nil {
			return nil, err
		}
		if !seenIHDR && typ != "IHDR" {
			return nil, pngErrorf("%s chunk before IHDR", typ)
		}
		if typ == "IDAT" {
			if d.info.ColourType == int(pngPaletted) && d.info.Palette == nil {
				return nil, pngErrorf("paletted image without a PLTE chunk")
			}
			d.idat = &idatReader{d: d, left: length}
			zr, err := zlib.NewReader(d.idat)
			if err != nil {
				return nil, fmt.Errorf("png image data: %w", err)
			}
			d.zr = zr
			d.prev = make([]byte, 1+d.rowLen)
			d.cur = make([]byte, 1+d.rowLen)
			return d, nil
		}
		if typ == "IEND" {
			return nil, pngErrorf("no image data")
		}
		switch {
		case typ == "IHDR" || typ == "PLTE" || typ == "tRNS" || typ == "tEXt":
			if length > maxTextChunk {
				return nil, pngErrorf("%s chunk of %d bytes", typ, length)
			}
			data := make([]byte, length)
			if err := d.chunkData(data); err != nil {
				return nil, err
			}
			if err := d.keep(typ, data, &seenIHDR); err != nil {
				return nil, err
			}
		case typ[0]&0x20 == 0:
			return nil, pngErrorf("unknown critical chunk %q", typ)
		default:
			if err := d.skip(length); err != nil {
				return nil, err
			}
		}
	}
}

// keep records a chunk read before the image data.
func (d *PNGReader) keep(typ string, data []byte, seenIHDR *bool) error {
	switch typ {
	case "IHDR":
		if *seenIHDR {
			return pngErrorf("two IHDR chunks")
		}
		*seenIHDR = true
		return d.header(data)
	case "PLTE":
		if d.info.Palette != nil || len(data)%3 != 0 || len(data) == 0 || len(data) > 3*256 {
			return pngErrorf("bad PLTE chunk")
		}
		d.info.Palette = data
	case "tRNS":
		d.info.Transparency = data
	case "tEXt":
		key, value, ok := bytes.Cut(data, []byte{0})
		if !ok || len(key) == 0 || len(key) > 79 {
			return pngErrorf("bad tEXt chunk")
		}
		d.info.Text = append(d.info.Text, PNGText{latin1(key), latin1(value)})
	}
	return nil
}

// latin1 returns the Latin-1 bytes b as a Go string.
func latin1(b []byte) string {
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// header checks the IHDR chunk for the images a PNGReader reads.
func (d *PNGReader) header(b []byte) error {
	if len(b) != 13 {
		return pngErrorf("IHDR of %d bytes", len(b))
	}
	w, h := binary.BigEndian.Uint32(b[0:4]), binary.BigEndian.Uint32(b[4:8])
	if w == 0 || h == 0 || w >= 1<<31 || h >= 1<<31 {
		return pngErrorf("size %dx%d", w, h)
	}
	if b[8] != 8 || b[10] != 0 || b[11] != 0 || b[12] != 0 {
		return fmt.Errorf("png: unsupported: bit depth %d, compression %d, filter %d, interlace %d (want 8, 0, 0, 0)", b[8], b[10], b[11], b[12])
	}
	switch pngColour(b[9]) {
	case pngGray, pngPaletted:
		d.bpp = 1
	case pngRGB:
		d.bpp = 3
	case pngRGBAlpha:
		d.bpp = 4
	default:
		return fmt.Errorf("png: unsupported colour type %d", b[9])
	}
	if int64(w)*int64(d.bpp) > 1<<30 {
		return fmt.Errorf("png: rows of %d pixels are too wide to read", w)
	}
	d.info.Width, d.info.Height, d.info.ColourType = int(w), int(h), int(b[9])
	d.rowLen = int(w) * d.bpp
	return nil
}

// chunkHeader reads a chunk's length and type, and starts its CRC.
func (d *PNGReader) chunkHeader() (int, string, error) {
	if _, err := io.ReadFull(d.br, d.scratch[:8]); err != nil {
		return 0, "", truncated(err)
	}
	length := binary.BigEndian.Uint32(d.scratch[:4])
	if length > 0x7fffffff {
		return 0, "", pngErrorf("chunk length %d", length)
	}
	typ := d.scratch[4:8]
	for _, c := range typ {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return 0, "", pngErrorf("bad chunk type %q", typ)
		}
	}
	d.crc.Reset()
	d.crc.Write(typ)
	return int(length), string(typ), nil
}

// chunkData reads a whole chunk's data into b, and its CRC.
func (d *PNGReader) chunkData(b []byte) error {
	if _, err := io.ReadFull(d.br, b); err != nil {
		return truncated(err)
	}
	d.crc.Write(b)
	return d.checkCRC()
}

// skip reads past n bytes of a chunk's data, and its CRC.
func (d *PNGReader) skip(n int) error {
	if _, err := io.CopyN(d.crc, d.br, int64(n)); err != nil {
		return truncated(err)
	}
	return d.checkCRC()
}

func (d *PNGReader) checkCRC() error {
	if _, err := io.ReadFull(d.br, d.scratch[:4]); err != nil {
		return truncated(err)
	}
	if binary.BigEndian.Uint32(d.scratch[:4]) != d.crc.Sum32() {
		return pngErrorf("CRC mismatch")
	}
	return nil
}

// truncated turns the end of the file inside a PNG into an error that says so.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return pngErrorf("truncated")
	}
	return err
}

// Info returns what the PNG said before its image data.
func (d *PNGReader) Info() PNGInfo { return d.info }

// RowBytes is the length of a row as ReadRow returns it: the width times
// the bytes per pixel (1 gray or paletted, 3 RGB, 4 RGBA).
func (d *PNGReader) RowBytes() int { return d.rowLen }

// ReadRow returns the next row, unfiltered: its bytes are valid until the
// next call. After the last row it returns io.EOF.
func (d *PNGReader) ReadRow() ([]byte, error) {
	if d.y == d.info.Height {
		return nil, io.EOF
	}
	d.prev, d.cur = d.cur, d.prev
	if _, err := io.ReadFull(d.zr, d.cur); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, pngErrorf("image data ends at row %d of %d", d.y, d.info.Height)
		}
		return nil, fmt.Errorf("png image data: %w", err)
	}
	if err := unfilter(d.cur, d.prev, d.bpp); err != nil {
		return nil, err
	}
	d.y++
	return d.cur[1:], nil
}

// Finish reads the rest of the PNG, once every row is read, and reports
// whether it is sound: the image data ends with the last row and its
// checksum, and the chunks after it, up to IEND, have their CRCs. It does
// not close the underlying reader.
func (d *PNGReader) Finish() error {
	if d.y != d.info.Height {
		return fmt.Errorf("png: Finish after %d of %d rows", d.y, d.info.Height)
	}
	// Reading on makes zlib check the Adler-32 of the data.
	if n, err := d.zr.Read(d.scratch[:1]); n > 0 || err != io.EOF {
		if err != nil && err != io.EOF {
			return fmt.Errorf("png image data: %w", truncated(err))
		}
		return pngErrorf("more image data than %d rows", d.info.Height)
	}
	if n, err := io.Copy(io.Discard, d.idat); err != nil || n > 0 {
		if err != nil {
			return err
		}
		return pngErrorf("%d bytes after the image data", n)
	}
	for typ := d.idat.next; ; {
		switch {
		case typ == "IEND":
			if d.idat.nextLen != 0 {
				return pngErrorf("IEND chunk of %d bytes", d.idat.nextLen)
			}
			return d.checkCRC()
		case typ == "IDAT":
			return pngErrorf("IDAT chunks not consecutive")
		case typ[0]&0x20 == 0:
			return pngErrorf("unknown critical chunk %q after the image data", typ)
		}
		if err := d.skip(d.idat.nextLen); err != nil {
			return err
		}
		var err error
		if d.idat.nextLen, typ, err = d.chunkHeader(); err != nil {
			return err
		}
	}
}

// idatReader reads the data of consecutive IDAT chunks as one stream,
// checking each chunk's CRC at its end, and stops at the first other chunk,
// whose length and type it keeps in next.
type idatReader struct {
	d       *PNGReader
	left    int // of the current chunk's data
	done    bool
	next    string
	nextLen int
}

func (r *idatReader) Read(p []byte) (int, error) {
	for r.left == 0 {
		if r.done {
			return 0, io.EOF
		}
		if err := r.d.checkCRC(); err != nil {
			return 0, err
		}
		n, typ, err := r.d.chunkHeader()
		if err != nil {
			return 0, err
		}
		if typ != "IDAT" {
			r.done, r.next, r.nextLen = true, typ, n
			return 0, io.EOF
		}
		r.left = n
	}
	n, err := r.d.br.Read(p[:min(len(p), r.left)])
	r.d.crc.Write(p[:n])
	r.left -= n
	if err == io.EOF {
		err = pngErrorf("truncated")
	}
	return n, err
}

// unfilter undoes the filter of row cur, whose first byte is its filter
// type, given the previous row prev, already unfiltered.
func unfilter(cur, prev []byte, bpp int) error {
	ft := cur[0]
	c, p := cur[1:], prev[1:]
	switch ft {
	case 0:
	case 1:
		for i := bpp; i < len(c); i++ {
			c[i] += c[i-bpp]
		}
	case 2:
		for i := range c {
			c[i] += p[i]
		}
	case 3:
		for i := 0; i < bpp && i < len(c); i++ {
			c[i] += p[i] / 2
		}
		for i := bpp; i < len(c); i++ {
			c[i] += uint8((int(c[i-bpp]) + int(p[i])) / 2)
		}
	case 4:
		for i := 0; i < bpp && i < len(c); i++ {
			c[i] += p[i] // paeth(0, p[i], 0)
		}
		for i := bpp; i < len(c); i++ {
			c[i] += paeth(c[i-bpp], p[i], p[i-bpp])
		}
	default:
		return pngErrorf("bad filter type %d", ft)
	}
	return nil
}

// PNGCheckError is CheckPNG's error: why the PNG read is not the one
// asked for. Err is the reader's error where there is one.
type PNGCheckError struct {
	// Problem is NotPNG, OtherPNG or Damaged.
	Problem PNGProblem
	Err     error
}

// PNGProblem says what CheckPNG found wrong.
type PNGProblem int

const (
	// NotPNG: the data does not start as a PNG does.
	NotPNG PNGProblem = iota
	// OtherPNG: a sound start of a PNG, of another size or with other
	// text chunks.
	OtherPNG
	// Damaged: the PNG asked for, cut short or with a chunk that fails
	// its CRC or image data that fails its checksum.
	Damaged
)

func (e *PNGCheckError) Error() string {
	switch e.Problem {
	case NotPNG:
		return fmt.Sprintf("not a PNG: %v", e.Err)
	case OtherPNG:
		return "a PNG of another size or with other text"
	}
	return fmt.Sprintf("a damaged PNG: %v", e.Err)
}

func (e *PNGCheckError) Unwrap() error { return e.Err }

// CheckPNG reads the PNG in r to its end and reports whether it is whole
// and the one asked for: width x height, with exactly the text chunks
// text, every chunk's CRC and the image data's
// checksum sound. Anything else is a *PNGCheckError. It decodes every row,
// which costs what reading the image costs, not what making it did.
func CheckPNG(r io.Reader, width, height int, text []PNGText) error {
	d, err := NewPNGReader(r)
	if err != nil {
		return &PNGCheckError{Problem: NotPNG, Err: err}
	}
	info := d.Info()
	if info.Width != width || info.Height != height || !slices.Equal(info.Text, text) {
		return &PNGCheckError{Problem: OtherPNG}
	}
	for {
		if _, err := d.ReadRow(); err == io.EOF {
			break
		} else if err != nil {
			return &PNGCheckError{Problem: Damaged, Err: err}
		}
	}
	if err := d.Finish(); err != nil {
		return &PNGCheckError{Problem: Damaged, Err: err}
	}
	return nil
}
