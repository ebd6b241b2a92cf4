package imageio

import (
	"fmt"
	"image"
	"image/color"
)

// The row writers (NewPNGWriter, Encoder.NewRowWriter) are told what their
// strips are by a colour model, and take strips of the matching image type:
//
//	color.Palette       *image.Paletted with that palette
//	color.GrayModel     *image.Gray
//	color.RGBAModel     *image.RGBA, opaque
//	color.NRGBAModel    *image.RGBA, translucent (png only)
//
// ModelOf and FirstRows go between the two, and
// PNGInfo.Model from a PNG that is read to the model that writes it again.

// stripKind is what a row writer's model says its strips are.
type stripKind uint8

const (
	notAStrip    stripKind = iota
	palettedRows           // *image.Paletted with the model's palette
	grayRows               // *image.Gray
	rgbaRows               // *image.RGBA, opaque
	nrgbaRows              // *image.RGBA, translucent
)

// kindOf says what strips model stands for, and their palette if they are
// paletted; notAStrip for a model that no writer takes.
func kindOf(model color.Model) (stripKind, color.Palette) {
	if p, ok := model.(color.Palette); ok {
		return palettedRows, p
	}
	switch model {
	case color.GrayModel:
		return grayRows, nil
	case color.RGBAModel:
		return rgbaRows, nil
	case color.NRGBAModel:
		return nrgbaRows, nil
	}
	return notAStrip, nil
}

// ModelOf returns the model to give a row writer for strips of img's type:
// the palette of an *image.Paletted, color.GrayModel for an *image.Gray and
// color.RGBAModel for an *image.RGBA. It looks at the type, not the pixels,
// so that it serves for a canvas not yet painted; an RGBA image whose
// pixels are not all opaque needs color.NRGBAModel, which only png takes.
// For other types it returns img.ColorModel(): pgm, ppm and pbm take strips
// of any type, png and bmp only those three. png takes a palette of 17 to
// 256 colours only: image/png packs a smaller one into fewer bits a pixel,
// which the row writer does not: write such an image with Encode.
func ModelOf(img image.Image) color.Model {
	switch m := img.(type) {
	case *image.Paletted:
		return m.Palette
	case *image.Gray:
		return color.GrayModel
	case *image.RGBA:
		return color.RGBAModel
	}
	return img.ColorModel()
}

// FirstRows returns the first n rows of img (the top n of its bounds, all of
// them if it has fewer) as an image of its type that shares its pixels: the
// strip to give a row writer when the last strip of a picture is shorter
// than the image it is painted in.
func FirstRows(img image.Image, n int) image.Image {
	b := img.Bounds()
	r := image.Rect(b.Min.X, b.Min.Y, b.Max.X, b.Min.Y+max(0, min(n, b.Dy())))
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	return rowsOf{img, r}
}

// rowsOf is some rows of an image with no SubImage method.
type rowsOf struct {
	image.Image
	r image.Rectangle
}

func (m rowsOf) Bounds() image.Rectangle { return m.r }

// Model returns the model that writes a PNG of this colour type and palette
// again with NewPNGWriter, so that the rows PNGReader.ReadRow returns can go
// to PNGWriter.WriteRawRows unchanged: color.GrayModel for colour type 0,
// color.RGBAModel for 2, the palette (with the alpha of tRNS) for 3 and
// color.NRGBAModel for 6.
func (info PNGInfo) Model() (color.Model, error) {
	switch pngColour(info.ColourType) {
	case pngGray:
		return color.GrayModel, nil
	case pngRGB:
		return color.RGBAModel, nil
	case pngRGBAlpha:
		return color.NRGBAModel, nil
	case pngPaletted:
		if len(info.Palette)%3 != 0 || len(info.Palette) == 0 || len(info.Palette) > 3*256 {
			return nil, fmt.Errorf("imageio: png: %w: a PLTE chunk of %d bytes", errPNG, len(info.Palette))
		}
		pal := make(color.Palette, len(info.Palette)/3)
		for i := range pal {
			c := color.NRGBA{info.Palette[3*i], info.Palette[3*i+1], info.Palette[3*i+2], 0xff}
			if i < len(info.Transparency) {
				c.A = info.Transparency[i]
			}
			pal[i] = c
		}
		return pal, nil
	}
	return nil, fmt.Errorf("imageio: png: unsupported colour type %d", info.ColourType)
}
