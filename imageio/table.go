package imageio

import (
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"io"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// formatRow is everything that sets one format apart: its names, its
// encoders and its limits. ParseFormat, FormatOf, Formats, Streams,
// CheckSize, Encoder and its RowWriter all read the table, so that a
// format is added, or changed, in one place.
type formatRow struct {
	format Format
	// exts are the file extensions FormatOf takes, in the order shown to
	// users; ParseFormat takes them without the dot. ext is Format.Ext's.
	exts []string
	ext  string
	// checkOptions refuses the Encoder options the format cannot use;
	// nil if it uses none.
	checkOptions func(e *Encoder) error
	// encode writes the whole image, whose size CheckSize allows.
	encode func(e *Encoder, w io.Writer, img image.Image) error
	// newRowWriter writes the header and returns a writer of strips, or is
	// nil where the encoder needs the whole image at once.
	newRowWriter func(e *Encoder, w io.Writer, width, height int, model color.Model) (RowWriter, error)
	// bottomUp: the format stores its rows from the bottom of the image
	// up, and its row writer takes the strips in that order.
	bottomUp bool
	// streamMemory estimates what the row writer holds besides the strips
	// given to it (see Encoder.StreamMemory); nil where newRowWriter is.
	streamMemory func(e *Encoder, width int) float64
	// maxSide is the most pixels a side may have; 0 for no limit.
	maxSide int
	// fileSize is, where the format's files must stay under 4 GiB, the
	// largest file that a w x h image may give; nil where they need not.
	fileSize func(w, h uint64) uint64
	// npyType is, for a format of counts rather than colours (npy.go),
	// its NumPy element type; "" for an image format.
	npyType string
}

// table has a row for each format, in the order of Formats. It is filled
// by init because its encoders call CheckSize, which reads it: Go refuses
// a variable whose initialiser refers back to itself.
var table []formatRow

// byName maps every name that ParseFormat takes (the extensions without
// their dot, lower case) to its format's row.
var byName map[string]*formatRow

func init() {
	table = []formatRow{{
		format: PNG, exts: []string{".png"}, ext: ".png",
		encode: func(e *Encoder, w io.Writer, img image.Image) error {
			return encodePNG(w, img, e.Workers)
		},
		newRowWriter: func(e *Encoder, w io.Writer, width, height int, model color.Model) (RowWriter, error) {
			return NewPNGWriter(w, width, height, model, PNGOptions{Workers: e.Workers})
		},
		streamMemory: pngStreamMemory,
		maxSide:      maxSidePNG,
	}, {
		format: JPEG, exts: []string{".jpg", ".jpeg"}, ext: ".jpg",
		checkOptions: func(e *Encoder) error {
			if q := e.quality(); q < 1 || q > 100 {
				return fmt.Errorf("encode jpeg: quality %d out of range 1..100", e.Quality)
			}
			return nil
		},
		encode: func(e *Encoder, w io.Writer, img image.Image) error {
			return jpeg.Encode(w, img, &jpeg.Options{Quality: e.quality()})
		},
		maxSide: maxSideJPEG,
	}, {
		format: GIF, exts: []string{".gif"}, ext: ".gif",
		encode: func(_ *Encoder, w io.Writer, img image.Image) error {
			return gif.Encode(w, gifImage(img), nil)
		},
		maxSide: maxSide16,
	}, {
		format: BMP, exts: []string{".bmp"}, ext: ".bmp",
		encode: func(_ *Encoder, w io.Writer, img image.Image) error {
			return bmp.Encode(w, img)
		},
		newRowWriter: func(_ *Encoder, w io.Writer, width, height int, model color.Model) (RowWriter, error) {
			return newBMPWriter(w, width, height, model)
		},
		bottomUp:     true,
		streamMemory: bufferedStreamMemory,
		fileSize:     bmpFileSize,
	}, {
		format: TIFF, exts: []string{".tif", ".tiff"}, ext: ".tiff",
		encode: func(_ *Encoder, w io.Writer, img image.Image) error {
			return tiff.Encode(w, tiffImage(img), &tiff.Options{Compression: tiff.Deflate})
		},
		maxSide:  maxSide16,
		fileSize: tiffFileSize,
	},
		netpbmRow(PGM, pgmKind),
		netpbmRow(PPM, ppmKind),
		netpbmRow(PBM, pbmKind),
		npyRow(NPY, []string{".npy"}, "<u4"),
		npyRow(NPYSmooth, nil, "<f4"),
	}
	byName = make(map[string]*formatRow)
	for i := range table {
		byName[string(table[i].format)] = &table[i]
		for _, ext := range table[i].exts {
			byName[ext[1:]] = &table[i]
		}
	}
}

// netpbmRow is the row of a netpbm format: the same writers, with the
// format's header and pixels.
func netpbmRow(f Format, kind netpbmKind) formatRow {
	return formatRow{
		format: f, exts: []string{"." + string(f)}, ext: "." + string(f),
		encode: func(_ *Encoder, w io.Writer, img image.Image) error {
			return kind.encode(w, img)
		},
		newRowWriter: func(_ *Encoder, w io.Writer, width, height int, _ color.Model) (RowWriter, error) {
			return newNetpbmWriter(w, f, kind, width, height), nil
		},
		streamMemory: bufferedStreamMemory,
	}
}

// rowOf returns f's row in the table, or nil if f is not a known format.
func rowOf(f Format) *formatRow {
	for i := range table {
		if table[i].format == f {
			return &table[i]
		}
	}
	return nil
}

// unknownFormat is the error for a format that rowOf does not know,
// without the package prefix.
func unknownFormat(f Format) error {
	return fmt.Errorf("%w %q (valid: %s)", ErrUnknownFormat, f, formatList())
}
