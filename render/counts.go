package render

import (
	"encoding/binary"
	"math"
)

// NaN32 is the bits of the float32 that SmoothRows writes for a sample in
// the set, which has no escape time: numpy's (and the C library's) quiet
// NaN, so that the bytes are the same on every CPU.
const NaN32 = 0x7fc00000

// CountRows writes rows [lo, hi) of frame f, made at supersampling 1, to
// dst as little-endian uint32 iteration counts, 4 bytes a sample, row y at
// dst[4*y*f.Width:]. A sample in the set has the count f.MaxIter, with or
// without the shortcuts (see Options.Shortcuts); one that escaped, the
// iteration at which it did.
func CountRows(dst []byte, f *Frame, lo, hi int) {
	for i := lo * f.Width; i < hi*f.Width; i++ {
		binary.LittleEndian.PutUint32(dst[4*i:], f.Iter[i])
	}
}

// SmoothRows is CountRows with each escaped sample's smooth escape time
// (Smooth) as a little-endian float32, and NaN (NaN32) for a sample in the
// set. The value is Smooth's float64, rounded to float32 once.
func SmoothRows(dst []byte, f *Frame, lo, hi int) {
	for i := lo * f.Width; i < hi*f.Width; i++ {
		bits := uint32(NaN32)
		if !f.Inside(i) {
			bits = math.Float32bits(float32(Smooth(f.Iter[i], f.Mag2[i])))
		}
		binary.LittleEndian.PutUint32(dst[4*i:], bits)
	}
}
