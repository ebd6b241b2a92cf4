// Package imageio writes the images that mandel renders: one encoder per
// output format, chosen by name or by file extension. It writes to an
// io.Writer; the command makes files with internal/atomicfile.
//
// Each format is a row of one table (table.go): its names and extensions,
// its whole-image encoder, its streaming row writer if it has one, whether
// it stores its rows bottom-up, and its size limits. Everything else reads
// the table rather than switching on the format.
//
// The encoders are the standard library's (png, jpeg, gif),
// golang.org/x/image's (bmp, tiff) and the package's own netpbm writers (pgm,
// ppm, pbm). The netpbm writers have fast paths for *image.Gray,
// *image.RGBA and *image.Paletted because the Benchmarks Game mapping writes
// 16000x16000 bitmaps, where a per-pixel interface call would dominate.
package imageio

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// Format is an output file format. Its value is the canonical lower-case
// name that ParseFormat accepts.
type Format string

// The supported formats.
const (
	PNG  Format = "png"
	JPEG Format = "jpeg"
	GIF  Format = "gif"
	BMP  Format = "bmp"
	TIFF Format = "tiff"
	PGM  Format = "pgm" // binary (P5) greymap, maxval 255
	PPM  Format = "ppm" // binary (P6) pixmap, maxval 255
	PBM  Format = "pbm" // binary (P4) bitmap, the Benchmarks Game output
	// NPY and NPYSmooth are NumPy arrays of a render's numbers, not
	// colours (npy.go): iteration counts as uint32, and smooth escape
	// times as float32. The .npy extension means NPY.
	NPY       Format = "npy"
	NPYSmooth Format = "npy-smooth"
)

// ErrUnknownFormat is wrapped by the errors of ParseFormat, FormatOf and the
// encoders when a format name or file extension is not supported.
var ErrUnknownFormat = errors.New("unknown format")

// Formats returns all formats in a stable order, for error messages and
// help text. The caller may modify the returned slice.
func Formats() []Format {
	formats := make([]Format, len(table))
	for i, row := range table {
		formats[i] = row.format
	}
	return formats
}

// Extensions returns the file extensions that FormatOf recognises, with the
// leading dot, in a stable order. The caller may modify the returned slice.
func Extensions() []string {
	var exts []string
	for _, row := range table {
		exts = append(exts, row.exts...)
	}
	return exts
}

// ParseFormat returns the format named by name, as given to a --format flag:
// png, jpg, jpeg, gif, bmp, tif, tiff, pgm, ppm, pbm, npy or npy-smooth, in
// any case.
func ParseFormat(name string) (Format, error) {
	if row, ok := byName[strings.ToLower(name)]; ok {
		return row.format, nil
	}
	return "", fmt.Errorf("imageio: %w %q (valid: %s)", ErrUnknownFormat, name, formatList())
}

// FormatOf returns the format that path's extension names (.png, .jpg,
// .jpeg, .gif, .bmp, .tif, .tiff, .pgm, .ppm, .pbm, .npy, in any case).
func FormatOf(path string) (Format, error) {
	ext := filepath.Ext(path)
	if ext == "" {
		return "", fmt.Errorf("imageio: %w: %q has no file extension (valid extensions: %s)",
			ErrUnknownFormat, path, strings.Join(Extensions(), ", "))
	}
	if row, ok := byName[strings.ToLower(ext[1:])]; ok {
		return row.format, nil
	}
	return "", fmt.Errorf("imageio: %w: file extension %q of %q (valid extensions: %s)",
		ErrUnknownFormat, ext, path, strings.Join(Extensions(), ", "))
}

// Ext returns the conventional file extension of f, with the leading dot,
// or "" if f is not a known format.
func (f Format) Ext() string {
	if row := rowOf(f); row != nil {
		return row.ext
	}
	return ""
}

// Streams reports whether f can be written a strip at a time: by
// Encoder.NewRowWriter, or for npy and npy-smooth by an NPYWriter; jpeg,
// gif and tiff need the whole image.
func (f Format) Streams() bool {
	row := rowOf(f)
	return row != nil && row.newRowWriter != nil
}

// NPYType is, for npy and npy-smooth, the NumPy type of their elements:
// "<u4" (little-endian uint32) and "<f4" (float32). It is "" for the
// image formats, which hold colours.
func (f Format) NPYType() string {
	if row := rowOf(f); row != nil {
		return row.npyType
	}
	return ""
}

// BottomUp reports whether f stores its rows from the bottom of the image
// up (bmp), so that its row writer takes the strips bottom to top.
func (f Format) BottomUp() bool {
	row := rowOf(f)
	return row != nil && row.bottomUp
}

// String returns the format's canonical name.
func (f Format) String() string { return string(f) }

// Set parses name with ParseFormat and stores the result, so that a *Format
// can serve as a flag.Value or pflag.Value.
func (f *Format) Set(name string) error {
	v, err := ParseFormat(name)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Type names the flag value's type in pflag's help output.
func (f *Format) Type() string { return "format" }

// formatList is the formats' names, for error messages.
func formatList() string {
	names := make([]string, len(table))
	for i, row := range table {
		names[i] = string(row.format)
	}
	return strings.Join(names, ", ")
}
