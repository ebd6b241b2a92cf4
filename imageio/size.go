package imageio

import (
	"fmt"
	"math"
	"math/bits"
)

// CheckSize reports whether a w x h image can be encoded in format f, so that
// callers can refuse a size before rendering it.
//
// The limits are those of the formats or of the encoders used:
//
//   - gif: at most 65535 pixels a side (16-bit sides in the format).
//   - jpeg: at most 65500 pixels a side. The format records 16-bit sides
//     and image/jpeg writes up to 65535, but libjpeg, behind most readers
//     (Pillow, ImageMagick, netpbm), refuses anything over its
//     JPEG_MAX_DIMENSION of 65500: a wider file would be unreadable there.
//   - png: at most 2^31-1 pixels a side (the PNG specification).
//   - bmp: the file must be under 4 GiB, since its header records sizes in
//     32 bits; the size is that of the largest encoding golang.org/x/image/bmp
//     may choose (32 bits a pixel, or 8 plus a palette for small images).
//   - tiff: at most 65535 pixels a side (golang.org/x/image/tiff records the
//     width and height in 16 bits) and a file under 4 GiB (classic TIFF
//     offsets are 32 bits); as the compressed size is unknown before
//     encoding, the check assumes incompressible 4-byte pixels.
//   - pgm, ppm, pbm: no limit.
//
// An empty size (w or h <= 0) gives an error wrapping ErrEmptyImage, and an
// unknown format one wrapping ErrUnknownFormat.
func CheckSize(f Format, w, h int) error {
	if err := checkSize(f, w, h); err != nil {
		return fmt.Errorf("imageio: %w", err)
	}
	return nil
}

// Size limits; see CheckSize.
const (
	maxSide16   = 1<<16 - 1 // gif, tiff
	maxSideJPEG = 65500     // libjpeg's JPEG_MAX_DIMENSION
	maxSidePNG  = 1<<31 - 1
	maxFile32   = math.MaxUint32 // bmp, tiff

	bmpHeader  = 14 + 40 // file header and BITMAPINFOHEADER
	bmpPalette = 256 * 4

	// tiffOverhead covers the 8-byte header and the image file directory
	// (under 2 KiB, most of it the colour map of a paletted image).
	tiffOverhead = 4 << 10
)

// checkSize is CheckSize without the package prefix on its errors.
func checkSize(f Format, w, h int) error {
	row := rowOf(f)
	if row == nil {
		return unknownFormat(f)
	}
	if w <= 0 || h <= 0 {
		return fmt.Errorf("%s: %w, got %dx%d", f, ErrEmptyImage, w, h)
	}
	if side := row.maxSide; side > 0 && (w > side || h > side) {
		return fmt.Errorf("%s supports at most %dx%d pixels, got %dx%d", f, side, side, w, h)
	}
	if row.fileSize != nil {
		if size := row.fileSize(uint64(w), uint64(h)); size > maxFile32 {
			return fmt.Errorf("%s supports files under 4 GiB, got %dx%d (%s)", f, w, h, upTo(size))
		}
	}
	return nil
}

// bmpFileSize is the largest encoding that golang.org/x/image/bmp may
// choose for a w x h image. It pads rows to 4 bytes, except for 32-bit
// pixels, which are padded already. 8-bit rows with the palette exceed
// 32-bit rows only for tiny images, but take the larger anyway.
func bmpFileSize(w, h uint64) uint64 {
	paletted := satAdd(bmpPalette, satMul((w+3)&^3, h))
	rgba := satMul(4, satMul(w, h))
	return satAdd(bmpHeader, max(paletted, rgba))
}

// tiffFileSize is the largest file that golang.org/x/image/tiff may write
// for a w x h image of incompressible 4-byte pixels, once maxSide16 holds.
// compress/flate expands incompressible data by far less than 1/64: a
// stored block adds 5 bytes per 16 KiB, and a Huffman block (used when the
// window has moved on) a few hundred bytes of header per 32 KiB. The sides
// fit in 16 bits, so nothing overflows.
func tiffFileSize(w, h uint64) uint64 {
	raw := 4 * w * h
	return tiffOverhead + raw + raw/64
}

// satMul returns a*b, or math.MaxUint64 if that overflows.
func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// satAdd returns a+b, or math.MaxUint64 if that overflows.
func satAdd(a, b uint64) uint64 {
	s, carry := bits.Add64(a, b, 0)
	if carry != 0 {
		return math.MaxUint64
	}
	return s
}

// upTo describes a worst-case file size of n bytes for an error message,
// rounding up so that a size just over the limit never reads as 4.00 GiB.
func upTo(n uint64) string {
	if n == math.MaxUint64 { // saturated
		return "over 16 EiB"
	}
	return fmt.Sprintf("up to %.2f GiB", math.Ceil(float64(n)/(1<<30)*100)/100)
}
