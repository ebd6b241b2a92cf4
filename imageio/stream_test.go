package imageio

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"strings"
	"testing"
)

// streamRows writes m through the encoder's RowWriter in strips of rows
// rows, in the order that Streams gives.
func streamRows(t *testing.T, e *Encoder, m image.Image, model color.Model, rows int) ([]byte, error) {
	t.Helper()
	var buf bytes.Buffer
	b := m.Bounds()
	rw, err := e.NewRowWriter(&buf, b.Dx(), b.Dy(), model)
	if err != nil {
		return nil, err
	}
	bottomUp := e.Format.BottomUp()
	var strips []image.Rectangle
	for y := b.Min.Y; y < b.Max.Y; y += rows {
		strips = append(strips, image.Rect(b.Min.X, y, b.Max.X, min(y+rows, b.Max.Y)))
	}
	for i := range strips {
		r := strips[i]
		if bottomUp {
			r = strips[len(strips)-1-i]
		}
		if err := rw.WriteRows(m.(subImager).SubImage(r)); err != nil {
			return nil, err
		}
	}
	if err := rw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// TestRowWriterSameBytes: every format that streams writes, strip by strip,
// the bytes that Encoder writes for the whole image.
func TestRowWriterSameBytes(t *testing.T) {
	smallStrips(t)
	kinds := []string{"paletted", "gray", "rgba"}
	sizes := []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 13, 7), image.Rect(-5, 3, 94, 60), image.Rect(0, 0, 200, 333)}
	for _, f := range imageFormats() {
		if !f.Streams() {
			continue
		}
		for _, kind := range kinds {
			for _, r := range sizes {
				if bigUnderRace(r) {
					continue
				}
				m := noisy(kind, r, 5)
				if kind == "paletted" && f == BMP { // a palette bmp holds
					m.(*image.Paletted).Palette = palette256()[:200]
				}
				e := &Encoder{Format: f, Workers: 2}
				var want bytes.Buffer
				if err := e.Encode(&want, m); err != nil {
					t.Fatal(err)
				}
				for _, rows := range []int{1, 4, 1000} {
					t.Run(fmt.Sprintf("%s/%s/%v/%d", f, kind, r, rows), func(t *testing.T) {
						got, err := streamRows(t, e, m, modelOf(m), rows)
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(got, want.Bytes()) {
							t.Fatalf("%d bytes differ from Encode's %d", len(got), want.Len())
						}
					})
				}
			}
		}
	}
}

func TestRowWriterErrors(t *testing.T) {
	// The formats that do not stream take the whole image as one strip,
	// with Encode's bytes, and refuse a part of it.
	for _, f := range []Format{JPEG, GIF, TIFF} {
		t.Run(string(f), func(t *testing.T) {
			img := image.NewGray(image.Rect(0, 0, 5, 5))
			img.Pix[7] = 200
			var want, got bytes.Buffer
			if err := Encode(&want, img, f); err != nil {
				t.Fatal(err)
			}
			rw, err := (&Encoder{Format: f}).NewRowWriter(&got, 5, 5, color.GrayModel)
			if err != nil {
				t.Fatal(err)
			}
			if err := rw.WriteRows(img); err != nil {
				t.Fatal(err)
			}
			if err := rw.Close(); err != nil || !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("Close: %v; %d bytes, Encode's %d", err, got.Len(), want.Len())
			}
			part, _ := (&Encoder{Format: f}).NewRowWriter(io.Discard, 5, 5, color.GrayModel)
			if err := part.WriteRows(img.SubImage(image.Rect(0, 0, 5, 2))); err == nil {
				t.Error("a strip of 2 of 5 rows accepted")
			}
			if err := part.Close(); err == nil {
				t.Error("Close without the image: no error")
			}
		})
	}
	for _, f := range []Format{PGM, PPM, PBM, BMP} {
		t.Run(string(f), func(t *testing.T) {
			e := &Encoder{Format: f}
			for _, c := range []struct {
				name  string
				strip image.Image
				want  string
			}{
				{"width", image.NewGray(image.Rect(0, 0, 9, 2)), "9 pixels wide"},
				{"rows", image.NewGray(image.Rect(0, 0, 10, 11)), "past the 10 rows left"},
			} {
				t.Run(c.name, func(t *testing.T) {
					rw, err := e.NewRowWriter(&bytes.Buffer{}, 10, 10, color.GrayModel)
					if err != nil {
						t.Fatal(err)
					}
					if err := rw.WriteRows(c.strip); err == nil || !strings.Contains(err.Error(), c.want) {
						t.Fatalf("WriteRows: %v, want %q", err, c.want)
					}
					if rw.Close() == nil {
						t.Error("Close after a failed WriteRows: no error")
					}
				})
			}
			t.Run("missing", func(t *testing.T) {
				rw, err := e.NewRowWriter(&bytes.Buffer{}, 10, 10, color.GrayModel)
				if err != nil {
					t.Fatal(err)
				}
				if err := rw.WriteRows(image.NewGray(image.Rect(0, 0, 10, 7))); err != nil {
					t.Fatal(err)
				}
				if err := rw.Close(); err == nil || !strings.Contains(err.Error(), "3 rows missing") {
					t.Fatalf("Close: %v, want 3 rows missing", err)
				}
			})
			t.Run("write error", func(t *testing.T) {
				rw, err := e.NewRowWriter(&failWriter{n: 100}, 200, 333, color.GrayModel)
				if err == nil {
					if err = rw.WriteRows(image.NewGray(image.Rect(0, 0, 200, 333))); err == nil {
						err = rw.Close()
					}
				}
				if !errors.Is(err, errBoom) {
					t.Fatalf("got %v, want %v", err, errBoom)
				}
			})
		})
	}
	t.Run("bmp model", func(t *testing.T) {
		rw, err := (&Encoder{Format: BMP}).NewRowWriter(&bytes.Buffer{}, 10, 10, color.GrayModel)
		if err != nil {
			t.Fatal(err)
		}
		if err := rw.WriteRows(image.NewRGBA(image.Rect(0, 0, 10, 2))); err == nil {
			t.Error("an RGBA strip for a grey bmp: no error")
		}
	})
}
