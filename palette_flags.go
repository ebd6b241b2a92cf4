package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/render"
)

// paletteFlags are the flags that change the palette besides --palette:
// a gradient from a file, and the mapping of escape times onto it.
type paletteFlags struct {
	file            string
	density, offset float64
}

// declare adds the flags to fs.
func (p *paletteFlags) declare(fs *pflag.FlagSet) {
	fs.StringVar(&p.file, "palette-file", "", "read a gradient from FILE: one stop per line, POSITION #RRGGBB, # comments (docs/palettes.md)")
	p.density = 1
	fs.Var(cli.Finite(&p.density, fmt.Sprintf("in (0, %g]", float64(render.MaxDensity)), func(x float64) bool { return x > 0 && x <= render.MaxDensity }),
		"palette-density", "colour cycles per cycle of the default: 2 makes every colour band half as wide")
	fs.Var(cli.Finite(&p.offset, "finite", nil), "palette-offset", "shift the colours by this fraction of a cycle: 0.5 starts half-way round")
}

// apply sets *pal from the flags, over what --palette gave.
func (p *paletteFlags) apply(fs *pflag.FlagSet, pal *render.Palette) error {
	if fs.Changed("palette-file") {
		if fs.Changed("palette") {
			return cli.Usagef("--palette and --palette-file both give the palette; give one")
		}
		g, err := readPaletteFile(p.file)
		if err != nil {
			return err
		}
		*pal = g
	}
	if fs.Changed("palette-density") {
		pal.Density = p.density
		if p.density == 1 {
			pal.Density = 0 // the default, as render.LookupPalette gives it
		}
	}
	if fs.Changed("palette-offset") {
		pal.Offset = p.offset
	}
	return nil
}

// readPaletteFile reads and parses a palette file; a file too large to be
// one is refused without reading it all. A file that cannot be read is a
// failure (exit 1, its path quoted, as --from's and --params'), and only
// one that reads but is no palette is a bad command line.
func readPaletteFile(name string) (render.Palette, error) {
	f, err := os.Open(name)
	if err != nil {
		return render.Palette{}, fmt.Errorf("--palette-file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return render.Palette{}, fmt.Errorf("--palette-file: %w", err)
	}
	g, err := render.ParsePaletteFile(fmt.Sprintf("%q", name), data)
	if err != nil {
		return render.Palette{}, cli.Usagef("--palette-file: %v", err)
	}
	return g, nil
}
