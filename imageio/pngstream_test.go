package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"strings"
	"testing"
)

// modelOf is the model that a PNGWriter needs to write m as Encoder does.
func modelOf(m image.Image) color.Model {
	switch m := m.(type) {
	case *image.Paletted:
		return m.Palette
	case *image.Gray:
		return color.GrayModel
	case *image.RGBA:
		if m.Opaque() {
			return color.RGBAModel
		}
		return color.NRGBAModel
	}
	panic(fmt.Sprintf("modelOf: %T", m))
}

// streamPNG writes m through a PNGWriter, in strips of rows rows.
func streamPNG(t *testing.T, m image.Image, rows, workers int, text []PNGText) []byte {
	t.Helper()
	var buf bytes.Buffer
	b := m.Bounds()
	pw, err := NewPNGWriter(&buf, b.Dx(), b.Dy(), modelOf(m), PNGOptions{Workers: workers, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	for y := b.Min.Y; y < b.Max.Y; y += rows {
		strip := m.(interface {
			SubImage(image.Rectangle) image.Image
		}).SubImage(image.Rect(b.Min.X, y, b.Max.X, min(y+rows, b.Max.Y)))
		if err := pw.WriteRows(strip); err != nil {
			t.Fatal(err)
		}
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPNGWriterSameBytes: whatever the strips that arrive and the workers,
// a PNGWriter writes what Encoder writes for the whole image.
func TestPNGWriterSameBytes(t *testing.T) {
	smallStrips(t)
	for _, kind := range pngKinds {
		for _, r := range pngSizes {
			if bigUnderRace(r) {
				continue
			}
			m := noisy(kind, r, 1)
			want := encodeWith(t, m, 1)
			for _, rows := range []int{1, 3, 41, 1000} {
				for _, workers := range []int{1, 3} {
					t.Run(fmt.Sprintf("%s/%v/rows%d/w%d", kind, r, rows, workers), func(t *testing.T) {
						if got := streamPNG(t, m, rows, workers, nil); !bytes.Equal(got, want) {
							t.Fatalf("%d bytes differ from Encoder's %d", len(got), len(want))
						}
					})
				}
			}
		}
	}
}

// TestPNGWriterMandel: the renderer's own pictures, paletted and RGB, with
// the default strips.
func TestPNGWriterMandel(t *testing.T) {
	for _, aa := range []int{1, 2} {
		t.Run(fmt.Sprintf("aa%d", aa), func(t *testing.T) {
			m := mandelImage(t, 301, 203, aa)
			want := encodeWith(t, m, 2)
			if got := streamPNG(t, m, 7, 2, nil); !bytes.Equal(got, want) {
				t.Fatalf("%d bytes differ from Encoder's %d", len(got), len(want))
			}
		})
	}
}

// TestPNGWriterText: tEXt chunks come before the image data, in order, and
// leave the image as it was.
func TestPNGWriterText(t *testing.T) {
	smallStrips(t)
	m := noisy("paletted", image.Rect(0, 0, 200, 333), 2)
	text := []PNGText{{"mandel-shard", "2/4"}, {"Comment", "a view\nwith two lines"}, {"k", ""}}
	data := streamPNG(t, m, 50, 2, text)
	names, bodies := pngChunks(t, data)
	var got []PNGText
	firstIDAT := -1
	for i, n := range names {
		switch n {
		case "tEXt":
			if firstIDAT >= 0 {
				t.Errorf("tEXt chunk %d after IDAT", i)
			}
			k, v, _ := strings.Cut(string(bodies[i]), "\x00")
			got = append(got, PNGText{k, v})
		case "IDAT":
			if firstIDAT < 0 {
				firstIDAT = i
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(text) {
		t.Errorf("tEXt chunks %q, want %q", got, text)
	}
	dec, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	samePixels(t, m, dec)
}

func TestPNGWriterErrors(t *testing.T) {
	pal := noisy("paletted", image.Rect(0, 0, 1, 1), 1).(*image.Paletted).Palette
	newWriter := func(t *testing.T, w, h int, model color.Model) *PNGWriter {
		pw, err := NewPNGWriter(&bytes.Buffer{}, w, h, model, PNGOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return pw
	}
	t.Run("bad options", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			w, h  int
			model color.Model
			text  []PNGText
		}{
			{"empty", 0, 5, color.GrayModel, nil},
			{"small palette", 5, 5, pal[:16], nil},
			{"model", 5, 5, color.RGBA64Model, nil},
			{"empty key", 5, 5, color.GrayModel, []PNGText{{"", "v"}}},
			{"long key", 5, 5, color.GrayModel, []PNGText{{strings.Repeat("k", 80), "v"}}},
			{"space", 5, 5, color.GrayModel, []PNGText{{" k", "v"}}},
			{"NUL in key", 5, 5, color.GrayModel, []PNGText{{"k\x00", "v"}}},
			{"NUL in text", 5, 5, color.GrayModel, []PNGText{{"k", "v\x00"}}},
			{"beyond Latin-1 in key", 5, 5, color.GrayModel, []PNGText{{"k€", "v"}}},
			{"beyond Latin-1 in text", 5, 5, color.GrayModel, []PNGText{{"k", "5 €"}}},
		} {
			t.Run(c.name, func(t *testing.T) {
				var buf bytes.Buffer
				if _, err := NewPNGWriter(&buf, c.w, c.h, c.model, PNGOptions{Text: c.text}); err == nil {
					t.Fatal("no error")
				}
				if buf.Len() != 0 {
					t.Errorf("wrote %d bytes before refusing", buf.Len())
				}
			})
		}
	})
	t.Run("wrong strips", func(t *testing.T) {
		for _, c := range []struct {
			name  string
			model color.Model
			strip image.Image
		}{
			{"width", color.GrayModel, image.NewGray(image.Rect(0, 0, 9, 2))},
			{"too many rows", color.GrayModel, image.NewGray(image.Rect(0, 0, 10, 11))},
			{"type", color.GrayModel, image.NewRGBA(image.Rect(0, 0, 10, 2))},
			{"palette", pal, image.NewPaletted(image.Rect(0, 0, 10, 2), append(color.Palette{color.White}, pal[1:]...))},
			{"not opaque", color.RGBAModel, image.NewRGBA(image.Rect(0, 0, 10, 2))},
		} {
			t.Run(c.name, func(t *testing.T) {
				pw := newWriter(t, 10, 10, c.model)
				if err := pw.WriteRows(c.strip); err == nil {
					t.Fatal("no error")
				}
				if err := pw.Close(); err == nil {
					t.Error("Close after a failed WriteRows: no error")
				}
			})
		}
	})
	t.Run("missing rows", func(t *testing.T) {
		pw := newWriter(t, 10, 10, color.GrayModel)
		if err := pw.WriteRows(image.NewGray(image.Rect(0, 0, 10, 9))); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err == nil || !strings.Contains(err.Error(), "1 rows missing") {
			t.Fatalf("Close: %v, want 1 row missing", err)
		}
	})
	t.Run("write error", func(t *testing.T) {
		smallStrips(t)
		m := noisy("gray", image.Rect(0, 0, 200, 333), 3)
		for _, after := range []int{0, 100, 5000} {
			t.Run(fmt.Sprint(after), func(t *testing.T) {
				w := &failWriter{n: after}
				pw, err := NewPNGWriter(w, 200, 333, color.GrayModel, PNGOptions{Workers: 2})
				if err == nil {
					err = pw.WriteRows(m)
					if err == nil {
						err = pw.Close()
					}
				}
				if !errors.Is(err, errBoom) {
					t.Fatalf("got %v, want %v", err, errBoom)
				}
			})
		}
	})
}

// writeRaw writes raw, rows of rowBytes bytes in the PNG's layout, through
// a PNGWriter for a width x height image of model, perStrip rows a call.
func writeRaw(t *testing.T, raw []byte, width, height int, model color.Model, perStrip, workers int) []byte {
	t.Helper()
	var buf bytes.Buffer
	pw, err := NewPNGWriter(&buf, width, height, model, PNGOptions{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	step := perStrip * pw.RowBytes()
	for len(raw) > 0 {
		n := min(step, len(raw))
		if err := pw.WriteRawRows(raw[:n]); err != nil {
			t.Fatal(err)
		}
		raw = raw[n:]
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPNGWriterRawRows: the rows a PNGReader reads from a PNG, written back
// raw, whatever the strips and the workers, give the PNG's bytes, which are
// WriteRows's.
func TestPNGWriterRawRows(t *testing.T) {
	smallStrips(t)
	for _, kind := range pngKinds {
		for _, r := range pngSizes {
			if bigUnderRace(r) {
				continue
			}
			m := noisy(kind, r, 4)
			want := encodeWith(t, m, 1)
			info, raw, err := readAll(want)
			if err != nil {
				t.Fatal(err)
			}
			for _, rows := range []int{1, 3, 41, 1000} {
				for _, workers := range []int{1, 3} {
					t.Run(fmt.Sprintf("%s/%v/rows%d/w%d", kind, r, rows, workers), func(t *testing.T) {
						got := writeRaw(t, raw, info.Width, info.Height, modelOf(m), rows, workers)
						if !bytes.Equal(got, want) {
							t.Fatalf("%d bytes differ from WriteRows's %d", len(got), len(want))
						}
						if rows == 3 && workers == 3 && !bytes.Equal(streamPNG(t, m, rows, workers, nil), want) {
							t.Fatal("WriteRows in the same strips differs")
						}
					})
				}
			}
		}
	}
}

// TestPNGWriterRawRowsRefused: a part of a row, or rows past the height,
// are an error, not a panic, and the writer refuses to go on.
func TestPNGWriterRawRowsRefused(t *testing.T) {
	for _, c := range []struct {
		name  string
		model color.Model
		n     int // bytes, for a 10x4 image
		want  string
	}{
		{"part of a grey row", color.GrayModel, 15, "not whole rows of 10 bytes"},
		{"RGBA rows for RGB", color.RGBAModel, 40, "not whole rows of 30 bytes"},
		{"past the height", color.GrayModel, 50, "past the 4 rows left"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			pw, err := NewPNGWriter(&buf, 10, 4, c.model, PNGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := pw.WriteRawRows(make([]byte, c.n)); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("WriteRawRows(%d bytes): %v, want %q", c.n, err, c.want)
			}
			if err := pw.WriteRawRows(make([]byte, 4*pw.RowBytes())); err == nil {
				t.Error("whole rows after a refusal: no error")
			}
			if err := pw.Close(); err == nil {
				t.Error("Close after a refusal: no error")
			}
		})
	}
	t.Run("no rows", func(t *testing.T) {
		pw, err := NewPNGWriter(&bytes.Buffer{}, 10, 4, color.GrayModel, PNGOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if err := pw.WriteRawRows(nil); err != nil {
			t.Fatalf("no rows: %v", err)
		}
		if err := pw.WriteRawRows(make([]byte, 40)); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkPNGWriterRGBRows writes PNG rows of RGB, as mandel stitch reads
// them: raw, or widened to an RGBA strip for WriteRows to narrow again.
func BenchmarkPNGWriterRGBRows(b *testing.B) {
	const width, height, perStrip = 2048, 256, 64
	m := noisy("rgba", image.Rect(0, 0, width, height), 1)
	_, raw, err := readAll(encodeWith(b, m, 1))
	if err != nil {
		b.Fatal(err)
	}
	strip := image.NewRGBA(image.Rect(0, 0, width, perStrip))
	widen := func(rows []byte) image.Image {
		pix := strip.Pix
		for i := 0; len(rows) >= 3; i += 4 {
			pix[i], pix[i+1], pix[i+2], pix[i+3] = rows[0], rows[1], rows[2], 0xff
			rows = rows[3:]
		}
		return strip
	}
	for _, c := range []struct {
		name  string
		write func(pw *PNGWriter, rows []byte) error
	}{
		{"raw", func(pw *PNGWriter, rows []byte) error { return pw.WriteRawRows(rows) }},
		{"rgba", func(pw *PNGWriter, rows []byte) error { return pw.WriteRows(widen(rows)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				pw, err := NewPNGWriter(io.Discard, width, height, color.RGBAModel, PNGOptions{Workers: 1})
				if err != nil {
					b.Fatal(err)
				}
				for rows := raw; len(rows) > 0; rows = rows[perStrip*3*width:] {
					if err := c.write(pw, rows[:perStrip*3*width]); err != nil {
						b.Fatal(err)
					}
				}
				if err := pw.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
