package imageio

import (
	"bytes"
	"image"
	"image/color"
	"testing"
)

// TestMinFileSize writes small images in each format whose size is known
// in advance: netpbm files are MinFileSize exactly, a BMP at least it.
func TestMinFileSize(t *testing.T) {
	for _, f := range Formats() {
		for _, s := range [][2]int{{1, 1}, {9, 3}, {17, 100}, {1000, 2}} {
			if f == NPY || f == NPYSmooth {
				var buf bytes.Buffer
				w, err := NewNPYWriter(&buf, f, s[0], s[1])
				if err != nil {
					t.Fatal(err)
				}
				w.Write(make([]byte, 4*s[0]*s[1]))
				if err := w.Close(); err != nil {
					t.Fatal(err)
				}
				if size, ok := MinFileSize(f, s[0], s[1]); !ok || size != uint64(buf.Len()) {
					t.Errorf("%s %dx%d: %d bytes written, MinFileSize %d %v", f, s[0], s[1], buf.Len(), size, ok)
				}
				continue
			}
			img := image.NewPaletted(image.Rect(0, 0, s[0], s[1]), color.Palette{color.Black, color.White})
			var buf bytes.Buffer
			e := Encoder{Format: f}
			if err := e.Encode(&buf, img); err != nil {
				t.Fatal(err)
			}
			size, ok := MinFileSize(f, s[0], s[1])
			switch {
			case f == PNG || f == JPEG || f == GIF || f == TIFF:
				if ok {
					t.Errorf("%s: a size known in advance, %d", f, size)
				}
			case !ok:
				t.Errorf("%s: no size in advance", f)
			case f == BMP && uint64(buf.Len()) < size, f != BMP && uint64(buf.Len()) != size:
				t.Errorf("%s %dx%d: %d bytes written, MinFileSize %d", f, s[0], s[1], buf.Len(), size)
			}
		}
	}
}

// TestMinFileSizeEmpty: an empty or negative size has no file to take room
// for; it wrapped round to 16 EiB (pgm, ppm, npy) or gave a bmp's header.
func TestMinFileSizeEmpty(t *testing.T) {
	for _, f := range Formats() {
		for _, wh := range [][2]int{{0, 0}, {-3, 5}, {5, -3}, {0, 7}} {
			if size, ok := MinFileSize(f, wh[0], wh[1]); ok {
				t.Errorf("MinFileSize(%s, %d, %d) = %d, true; want ok false", f, wh[0], wh[1], size)
			}
		}
	}
}
