package imageio

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestCheckSize(t *testing.T) {
	const maxInt = math.MaxInt
	is64 := strconv.IntSize == 64
	for _, tc := range []struct {
		f    Format
		w, h int
		// msg is the whole error, or "" for none; "~" prefixes a part of it.
		msg string
		is  error
		// only64 marks sizes that overflow a 32-bit int.
		only64 bool
	}{
		{f: GIF, w: 1, h: 1},
		{f: GIF, w: 65535, h: 65535},
		{f: GIF, w: 70000, h: 2, msg: "imageio: gif supports at most 65535x65535 pixels, got 70000x2"},
		{f: GIF, w: 2, h: 65536, msg: "imageio: gif supports at most 65535x65535 pixels, got 2x65536"},
		// libjpeg refuses sides over 65500, though the format allows 65535.
		{f: JPEG, w: 65500, h: 65500},
		{f: JPEG, w: 65501, h: 1, msg: "imageio: jpeg supports at most 65500x65500 pixels, got 65501x1"},
		{f: JPEG, w: 1, h: 65535, msg: "imageio: jpeg supports at most 65500x65500 pixels, got 1x65535"},
		{f: JPEG, w: 65536, h: 1, msg: "imageio: jpeg supports at most 65500x65500 pixels, got 65536x1"},
		{f: JPEG, w: 1, h: 65536, msg: "imageio: jpeg supports at most 65500x65500 pixels, got 1x65536"},

		{f: PNG, w: 1, h: 1},
		{f: PNG, w: 1<<31 - 1, h: 1<<31 - 1},
		{f: PNG, w: 1 << 31, h: 1, msg: "imageio: png supports at most 2147483647x2147483647 pixels, got 2147483648x1", only64: true},
		{f: PNG, w: 7, h: 1 << 31, msg: "imageio: png supports at most 2147483647x2147483647 pixels, got 7x2147483648", only64: true},

		// The largest bmp encoding is 32 bits a pixel: 54+4wh bytes.
		{f: BMP, w: 1, h: 1},
		{f: BMP, w: 65536, h: 16383}, // 4294705206 bytes
		{f: BMP, w: 65536, h: 16384, msg: "imageio: bmp supports files under 4 GiB, got 65536x16384 (up to 4.01 GiB)"},
		{f: BMP, w: 16384, h: 65536, msg: "~bmp supports files under 4 GiB, got 16384x65536 ("},
		{f: BMP, w: 40000, h: 30000, msg: "imageio: bmp supports files under 4 GiB, got 40000x30000 (up to 4.48 GiB)"},
		// For narrow images the paletted encoding, with rows padded to 4
		// bytes and a 1024-byte palette, is larger: 54+1024+4h bytes.
		{f: BMP, w: 1, h: 1073741554},
		{f: BMP, w: 1, h: 1073741555, msg: "~bmp supports files under 4 GiB, got 1x1073741555 ("},
		{f: BMP, w: 1 << 40, h: 1 << 40, msg: "imageio: bmp supports files under 4 GiB, got 1099511627776x1099511627776 (over 16 EiB)", only64: true},
		{f: BMP, w: maxInt, h: maxInt, msg: "~bmp supports files under 4 GiB"},

		// x/image/tiff records sides in 16 bits.
		{f: TIFF, w: 65535, h: 1},
		{f: TIFF, w: 65536, h: 1, msg: "imageio: tiff supports at most 65535x65535 pixels, got 65536x1"},
		{f: TIFF, w: 1, h: 70000, msg: "imageio: tiff supports at most 65535x65535 pixels, got 1x70000"},
		{f: TIFF, w: maxInt, h: maxInt, msg: "~tiff supports at most 65535x65535 pixels"},
		// 4 bytes a pixel, and deflate's worst case, must stay under 4 GiB.
		{f: TIFF, w: 30000, h: 30000},
		{f: TIFF, w: 32768, h: 32000},
		{f: TIFF, w: 32768, h: 32768, msg: "imageio: tiff supports files under 4 GiB, got 32768x32768 (up to 4.07 GiB)"},
		{f: TIFF, w: 65535, h: 65535, msg: "~tiff supports files under 4 GiB, got 65535x65535 ("},

		{f: PGM, w: 1, h: 1},
		{f: PGM, w: maxInt, h: maxInt},
		{f: PPM, w: maxInt, h: 1},
		{f: PBM, w: 1, h: maxInt},

		{f: PNG, w: 0, h: 0, msg: "imageio: png: empty image, got 0x0", is: ErrEmptyImage},
		{f: PBM, w: 0, h: 5, is: ErrEmptyImage},
		{f: GIF, w: 5, h: 0, is: ErrEmptyImage},
		{f: BMP, w: -1, h: 5, is: ErrEmptyImage},
		{f: TIFF, w: 5, h: -70000, is: ErrEmptyImage},
		{f: PPM, w: math.MinInt, h: math.MinInt, is: ErrEmptyImage},
		{f: "webp", w: 1, h: 1, is: ErrUnknownFormat},
		{f: "", w: 0, h: 0, is: ErrUnknownFormat},
	} {
		name := fmt.Sprintf("%s/%dx%d", tc.f, tc.w, tc.h)
		if tc.only64 && !is64 {
			continue
		}
		err := CheckSize(tc.f, tc.w, tc.h)
		if tc.msg == "" && tc.is == nil {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		msg := err.Error()
		switch {
		case strings.HasPrefix(tc.msg, "~"):
			if !strings.Contains(msg, tc.msg[1:]) {
				t.Errorf("%s: error %q does not contain %q", name, msg, tc.msg[1:])
			}
		case tc.msg != "" && msg != tc.msg:
			t.Errorf("%s: error\n%q, want\n%q", name, msg, tc.msg)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: error %v, want %v", name, err, tc.is)
		}
		if !strings.HasPrefix(msg, "imageio: ") || strings.Count(msg, "imageio:") != 1 || strings.Contains(msg, "\n") {
			t.Errorf("%s: error %q is not one line with one package prefix", name, msg)
		}
		if tc.f != "" && !strings.Contains(msg, string(tc.f)) {
			t.Errorf("%s: error %q does not name the format", name, msg)
		}
	}
}

// TestCheckSizeAllows checks that CheckSize agrees with the encoders on
// small sizes: whatever it allows must encode.
func TestCheckSizeAllows(t *testing.T) {
	for _, f := range imageFormats() {
		for _, r := range []image.Rectangle{image.Rect(0, 0, 1, 1), image.Rect(0, 0, 3, 1), small} {
			if err := CheckSize(f, r.Dx(), r.Dy()); err != nil {
				t.Errorf("CheckSize(%s, %v): %v", f, r.Size(), err)
			}
			if err := Encode(discard{}, patternPaletted(r), f); err != nil {
				t.Errorf("Encode(%s, %v): %v", f, r.Size(), err)
			}
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// hugeImage has any bounds without the memory; it must never be read.
type hugeImage struct{ r image.Rectangle }

func (m hugeImage) ColorModel() color.Model { return color.RGBAModel }
func (m hugeImage) Bounds() image.Rectangle { return m.r }
func (m hugeImage) At(x, y int) color.Color { panic("hugeImage.At called") }

// errWrote is what noWrites returns: the encoder wrote before refusing.
var errWrote = errors.New("the encoder wrote")

type noWrites struct{}

func (noWrites) Write(p []byte) (int, error) { return 0, errWrote }

// TestEncodeTooLarge checks that Encode refuses what CheckSize
// refuses, with the same message, before writing a byte or reading a pixel.
// Without the check bmp writes a header with wrapped sizes, and tiff writes a
// 70000-pixel width as 4464.
func TestEncodeTooLarge(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		w, h int
	}{
		{GIF, 70000, 2},
		{JPEG, 2, 70000},
		{JPEG, 65501, 1},
		{BMP, 40000, 30000},
		{BMP, 65536, 16384},
		{TIFF, 70000, 1},
		{TIFF, 32768, 32768},
	} {
		t.Run(fmt.Sprintf("%s/%dx%d", tc.f, tc.w, tc.h), func(t *testing.T) {
			want := CheckSize(tc.f, tc.w, tc.h)
			if want == nil {
				t.Fatal("CheckSize allows it")
			}
			img := hugeImage{image.Rect(-5, 3, tc.w-5, tc.h+3)}
			err := noPanic(func() error { return Encode(noWrites{}, img, tc.f) })
			if err == nil || err.Error() != want.Error() {
				t.Errorf("Encode: err = %v, want %v", err, want)
			}

		})
	}
}

// noPanic returns do's error, or one for its panic.
func noPanic(do func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return do()
}
