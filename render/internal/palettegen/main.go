// Command palettegen draws a strip of each built-in palette, and of the
// example palette file, into docs/palettes/: one cycle of the gradient,
// left to right, as mandel's paletted images hold it (255 entries).
// scripts/palettes.sh runs it; its test checks that the committed strips
// are what it draws.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
)

// The strips' size: wide enough to show every entry of the 255, short
// enough to stay small in the repository.
const width, height = 510, 48

// exampleFile is the palette file that docs/palettes.md shows, in dir.
const exampleFile = "ultrafractal.txt"

func main() {
	dir := flag.String("o", "docs/palettes", "the folder of the strips and of "+exampleFile)
	flag.Parse()
	if err := generate(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "palettegen:", err)
		os.Exit(1)
	}
}

// strips returns the PNGs to write, by file name.
func strips(dir string) (map[string][]byte, error) {
	pals := map[string]render.Palette{}
	for _, name := range render.PaletteNames() {
		p, err := render.LookupPalette(name)
		if err != nil {
			return nil, err
		}
		pals[name+".png"] = p
	}
	path := filepath.Join(dir, exampleFile)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p, err := render.ParsePaletteFile(path, data)
	if err != nil {
		return nil, err
	}
	pals["ultrafractal.png"] = p
	out := map[string][]byte{}
	for name, p := range pals {
		b, err := strip(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = b
	}
	return out, nil
}

// strip draws one cycle of p: column x shows the entry that a paletted
// image would use for positions near x/width.
func strip(p render.Palette) ([]byte, error) {
	const entries = 255
	pal := make(color.Palette, entries)
	for i := range pal {
		pal[i] = p.At(float64(i) / entries)
	}
	img := image.NewPaletted(image.Rect(0, 0, width, height), pal)
	for x := range width {
		img.Pix[x] = uint8(x * entries / width)
	}
	for y := 1; y < height; y++ {
		copy(img.Pix[y*img.Stride:], img.Pix[:width])
	}
	var buf bytes.Buffer
	err := imageio.Encode(&buf, img, imageio.PNG)
	return buf.Bytes(), err
}

func generate(dir string) error {
	files, err := strips(dir)
	if err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
