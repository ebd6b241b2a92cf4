package imageio

import "strconv"

// MinFileSize is the least number of bytes a width x height file in format f
// takes, where the format does not compress, so that a command can check
// the free space before writing; ok is false for the formats that
// compress (png, jpeg, gif, tiff), whose size is known only once written,
// and for an empty size (width or height <= 0), which no format writes (see
// CheckSize). Netpbm files are exactly this size; a BMP is this, paletted,
// or larger.
func MinFileSize(f Format, width, height int) (size uint64, ok bool) {
	if width <= 0 || height <= 0 {
		return 0, false
	}
	w, h := uint64(width), uint64(height)
	netpbm := func(magic string, row uint64, maxval bool) uint64 {
		header := uint64(len(magic) + 1 + len(strconv.Itoa(width)) + 1 + len(strconv.Itoa(height)) + 1)
		if maxval {
			header += uint64(len("255\n"))
		}
		return satAdd(header, satMul(row, h))
	}
	switch f {
	case PBM:
		return netpbm("P4", (w+7)/8, false), true
	case PGM:
		return netpbm("P5", w, true), true
	case PPM:
		return netpbm("P6", satMul(3, w), true), true
	case BMP:
		return satAdd(bmpHeader+bmpPalette, satMul((w+3)&^3, h)), true
	case NPY, NPYSmooth:
		return satAdd(uint64(len(npyHeader(f.NPYType(), height, width))), satMul(4, satMul(w, h))), true
	}
	return 0, false
}
