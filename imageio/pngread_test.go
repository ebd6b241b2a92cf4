package imageio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
	"testing"
)

// readAll reads data with a PNGReader: its info and every row, concatenated.
func readAll(data []byte) (PNGInfo, []byte, error) {
	d, err := NewPNGReader(bytes.NewReader(data))
	if err != nil {
		return PNGInfo{}, nil, err
	}
	var rows []byte
	for {
		row, err := d.ReadRow()
		if err == io.EOF {
			break
		}
		if err != nil {
			return d.Info(), nil, err
		}
		if len(row) != d.RowBytes() {
			return d.Info(), nil, fmt.Errorf("row of %d bytes, want %d", len(row), d.RowBytes())
		}
		rows = append(rows, row...)
	}
	return d.Info(), rows, d.Finish()
}

// rawRows is the decoded image's pixels as PNG stores them, row after row.
func rawRows(t *testing.T, m image.Image) []byte {
	t.Helper()
	b := m.Bounds()
	var out []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch m := m.(type) {
			case *image.Paletted:
				out = append(out, m.ColorIndexAt(x, y))
			case *image.Gray:
				out = append(out, m.GrayAt(x, y).Y)
			case *image.RGBA:
				c := m.RGBAAt(x, y)
				out = append(out, c.R, c.G, c.B)
			case *image.NRGBA:
				c := m.NRGBAAt(x, y)
				out = append(out, c.R, c.G, c.B, c.A)
			default:
				t.Fatalf("decoded a %T", m)
			}
		}
	}
	return out
}

// testText has Latin-1 characters beyond ASCII, which the chunk holds as
// one byte each: a string must come back as it was written.
var testText = []PNGText{{"mandel:shard", "1/4"}, {"Comment", "x y, z"}, {"Légende", "été, naïve, 1×2 µs"}}

// TestPNGReaderRows reads the PNGs of this package's encoder and of
// image/png, which picks every filter for the colour types, and wants
// image/png's decoding of the same bytes, and the text written.
func TestPNGReaderRows(t *testing.T) {
	smallStrips(t)
	for _, kind := range pngKinds {
		for _, r := range pngSizes {
			if bigUnderRace(r) {
				continue
			}
			for _, enc := range []string{"imageio", "image/png"} {
				t.Run(fmt.Sprintf("%s/%v/%s", kind, r, enc), func(t *testing.T) {
					m := noisy(kind, r, 1)
					var buf bytes.Buffer
					if enc == "imageio" {
						writeStream(t, &buf, m, 2)
					} else {
						if err := png.Encode(&buf, m); err != nil {
							t.Fatal(err)
						}
						withText(t, &buf)
					}
					decoded, err := png.Decode(bytes.NewReader(buf.Bytes()))
					if err != nil {
						t.Fatalf("image/png cannot decode it: %v", err)
					}
					info, rows, err := readAll(buf.Bytes())
					if err != nil {
						t.Fatal(err)
					}
					if info.Width != r.Dx() || info.Height != r.Dy() {
						t.Fatalf("size %dx%d, want %dx%d", info.Width, info.Height, r.Dx(), r.Dy())
					}
					if !slices.Equal(info.Text, testText) {
						t.Fatalf("text %q, want %q", info.Text, testText)
					}
					if !bytes.Equal(rows, rawRows(t, decoded)) {
						t.Fatal("rows differ from image/png's decoding")
					}
					if kind == "paletted" && len(info.Palette) != 3*len(m.(*image.Paletted).Palette) {
						t.Fatalf("palette of %d bytes, want %d", len(info.Palette), 3*len(m.(*image.Paletted).Palette))
					}
				})
			}
		}
	}
}

// shardPNG is a small PNG of several IDAT chunks, with text.
func shardPNG(t *testing.T) []byte {
	t.Helper()
	smallStrips(t)
	var buf bytes.Buffer
	writeStream(t, &buf, noisy("rgba", image.Rect(0, 0, 200, 50), 2), 1)
	return buf.Bytes()
}

// writeStream writes m with a PNGWriter, with testText, in strips of 7 rows.
func writeStream(t *testing.T, w io.Writer, m image.Image, workers int) {
	t.Helper()
	var model color.Model
	switch m := m.(type) {
	case *image.Paletted:
		model = m.Palette
	case *image.Gray:
		model = color.GrayModel
	case *image.RGBA:
		model = color.NRGBAModel
		if m.Opaque() {
			model = color.RGBAModel
		}
	}
	b := m.Bounds()
	pw, err := NewPNGWriter(w, b.Dx(), b.Dy(), model, PNGOptions{Workers: workers, Text: testText})
	if err != nil {
		t.Fatal(err)
	}
	type subImager interface {
		SubImage(image.Rectangle) image.Image
	}
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		strip := m.(subImager).SubImage(image.Rect(b.Min.X, y, b.Max.X, min(y+7, b.Max.Y)))
		if err := pw.WriteRows(strip); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
}

// withText puts testText's chunks right after the IHDR chunk of the PNG in
// buf: before a PLTE chunk, where image/png never puts them.
func withText(t *testing.T, buf *bytes.Buffer) {
	t.Helper()
	data := bytes.Clone(buf.Bytes())
	const afterIHDR = 8 + 8 + 13 + 4
	buf.Reset()
	buf.Write(data[:afterIHDR])
	cw := chunkWriter{w: buf}
	for _, x := range testText {
		cw.write("tEXt", latin1Bytes(x.Key), []byte{0}, latin1Bytes(x.Value))
	}
	buf.Write(data[afterIHDR:])
}

// TestPNGReaderTruncated cuts the file at every length: each must fail,
// none panic. The reader is one goroutine, so under the race detector, which
// slows inflating about twentyfold, it cuts within 16 bytes of each chunk's
// start (the signature, lengths, types and CRCs) and at every 29th length
// elsewhere; make test's norace leg cuts at every length.
func TestPNGReaderTruncated(t *testing.T) {
	data := shardPNG(t)
	if _, _, err := readAll(data); err != nil {
		t.Fatal(err)
	}
	nearChunk := make([]bool, len(data)+16)
	for off := len(pngSignature); off+12 <= len(data); off += 12 + int(binary.BigEndian.Uint32(data[off:])) {
		for n := max(0, off-16); n < off+16; n++ {
			nearChunk[n] = true
		}
	}
	for n := 0; n < len(data); n++ {
		if raceEnabled && !nearChunk[n] && n%29 != 0 {
			continue
		}
		if _, _, err := readAll(data[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes read without error", n, len(data))
		}
	}
}

// TestPNGReaderReadError: a read that fails (a directory, an I/O error)
// is that failure, not "no PNG signature", which blamed the file; an empty
// or short file is still no PNG.
func TestPNGReaderReadError(t *testing.T) {
	failed := errors.New("read failed")
	if _, err := NewPNGReader(io.MultiReader(bytes.NewReader([]byte("\x89P")), iotestErr{failed})); !errors.Is(err, failed) || errors.Is(err, errPNG) {
		t.Errorf("a failed read: %v, want %v", err, failed)
	}
	for _, data := range []string{"", "\x89PN"} {
		if _, err := NewPNGReader(bytes.NewReader([]byte(data))); !errors.Is(err, errPNG) {
			t.Errorf("%q: %v, want no PNG signature", data, err)
		}
	}
}

// iotestErr is a reader that fails with its error.
type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// TestPNGReaderCorrupt changes a byte of each chunk: the CRC must catch
// it; and with the CRC fixed, a byte of the image data: zlib must.
func TestPNGReaderCorrupt(t *testing.T) {
	data := shardPNG(t)
	for off := len(pngSignature); off+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[off:]))
		typ := string(data[off+4 : off+8])
		t.Run(fmt.Sprintf("%s@%d", typ, off), func(t *testing.T) {
			bad := bytes.Clone(data)
			bad[off+8+n/2] ^= 0x10
			if n == 0 {
				bad[off+5] ^= 0x20 // the type: IEND becomes IeND, ancillary, so the CRC decides
			}
			_, _, err := readAll(bad)
			if !errors.Is(err, errPNG) {
				t.Fatalf("got %v, want an invalid PNG", err)
			}
			if typ != "IDAT" {
				return
			}
			crc := crc32.ChecksumIEEE(bad[off+4 : off+8+n])
			binary.BigEndian.PutUint32(bad[off+8+n:], crc)
			if _, _, err := readAll(bad); err == nil {
				t.Fatal("changed image data read without error")
			}
		})
		off += 12 + n
	}
}

func TestPNGReaderRefuses(t *testing.T) {
	pal := make(color.Palette, 16) // image/png packs 16 colours 4 bits a pixel
	for i := range pal {
		pal[i] = color.Gray{uint8(i)}
	}
	var packed, gray16 bytes.Buffer
	if err := png.Encode(&packed, image.NewPaletted(image.Rect(0, 0, 8, 8), pal)); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&gray16, image.NewGray16(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":          nil,
		"not a png":      []byte("GIF89a, not a PNG at all"),
		"4-bit paletted": packed.Bytes(),
		"16-bit gray":    gray16.Bytes(),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewPNGReader(bytes.NewReader(data)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

// TestCheckPNG: the PNG asked for, whole, passes; another size or text is
// OtherPNG; a truncated copy or a flipped bit anywhere past the header is
// Damaged; something else is NotPNG.
func TestCheckPNG(t *testing.T) {
	data := shardPNG(t)
	other := append(slices.Clone(testText[:len(testText)-1]), PNGText{Key: "k", Value: "other"})
	flipped := slices.Clone(data)
	flipped[len(flipped)/2] ^= 0x10
	for _, c := range []struct {
		name          string
		data          []byte
		width, height int
		text          []PNGText
		want          PNGProblem // -1: no error
	}{
		{"whole", data, 200, 50, testText, -1},
		{"another width", data, 201, 50, testText, OtherPNG},
		{"another height", data, 200, 49, testText, OtherPNG},
		{"other text", data, 200, 50, other, OtherPNG},
		{"no text", data, 200, 50, nil, OtherPNG},
		{"cut short", data[:len(data)-20], 200, 50, testText, Damaged},
		{"a bit flipped", flipped, 200, 50, testText, Damaged},
		{"not a PNG", []byte("P5 200 50 255\n"), 200, 50, testText, NotPNG},
	} {
		err := CheckPNG(bytes.NewReader(c.data), c.width, c.height, c.text)
		var bad *PNGCheckError
		switch {
		case c.want < 0 && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want >= 0 && !errors.As(err, &bad):
			t.Errorf("%s: %v, want a PNGCheckError", c.name, err)
		case c.want >= 0 && bad.Problem != c.want:
			t.Errorf("%s: %v (problem %d), want problem %d", c.name, err, bad.Problem, c.want)
		}
	}
}
