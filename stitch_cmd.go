package main

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/strategies"
)

// stitchFlags are mandel stitch's flags.
type stitchFlags struct {
	fs             *pflag.FlagSet
	output         string
	workers        int
	force, verbose bool
	help           bool
}

func newStitchFlags() *stitchFlags {
	f := &stitchFlags{fs: pflag.NewFlagSet("mandel stitch", pflag.ContinueOnError)}
	fs := f.fs
	fs.SortFlags = false
	fs.StringVarP(&f.output, "output", "o", "", "the whole image, a PNG (- for stdout)")
	fs.VarP(newIntValue(&f.workers, runtime.GOMAXPROCS(0), 1, strategies.MaxWorkers), "workers", "w", "goroutines that compress (default: GOMAXPROCS); the bytes are the same for any number")
	fs.BoolVar(&f.force, "force", false, "replace OUTPUT even if it is write-protected")
	fs.BoolVarP(&f.verbose, "verbose", "v", false, "print each shard's rows on stderr")
	fs.BoolVarP(&f.help, "help", "h", false, "show this help and exit")
	fs.SetOutput(io.Discard)
	return f
}

// shardFile is a shard as its file says: which rows of which render.
type shardFile struct {
	path         string
	index, count int
	lo, hi       int               // rows [lo, hi) of the whole image
	view         map[string]string // the mandel: keys but the shard's own
	info         imageio.PNGInfo
}

func runStitch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f := newStitchFlags()
	if err := parseFlags(f.fs, args); err != nil {
		return report(stderr, err)
	}
	if f.help {
		printStitchHelp(stdout, f.fs)
		return exitOK
	}
	paths, err := f.check()
	if err != nil {
		return report(stderr, err)
	}
	return report(stderr, stitch(ctx, f, paths, stdout, stderr))
}

// check checks the command line: an output, which is a PNG, and shard
// files, none given twice nor the output itself.
func (f *stitchFlags) check() ([]string, error) {
	if f.output == "" {
		return nil, usagef("missing -o OUTPUT, the whole image (e.g. mandel stitch -o big.png shard-*.png)")
	}
	if f.output != "-" {
		if format, err := imageio.FormatOf(f.output); err != nil || format != imageio.PNG {
			return nil, usagef("%s: stitch writes a PNG; name the output .png (or - for stdout)", f.output)
		}
	}
	paths := f.fs.Args()
	if len(paths) == 0 {
		return nil, usagef("no shard files (e.g. mandel stitch -o big.png shard-*.png)")
	}
	out, _ := os.Stat(f.output)
	seen := make([]os.FileInfo, len(paths))
	for i, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue // reported when it is opened
		}
		for j := range i {
			if seen[j] != nil && os.SameFile(fi, seen[j]) {
				return nil, usagef("%s is given twice (as %s and %s)", p, paths[j], p)
			}
		}
		if out != nil && os.SameFile(fi, out) {
			return nil, usagef("%s is both a shard and the output", p)
		}
		seen[i] = fi
	}
	return paths, nil
}

// stitch checks the shards and writes the whole image, a shard and a strip
// of rows at a time, with the PNG writer that a render of the whole image
// uses, so that the bytes are the same.
func stitch(ctx context.Context, f *stitchFlags, paths []string, stdout, stderr io.Writer) error {
	shards := make([]*shardFile, len(paths))
	for i, p := range paths {
		s, err := readShard(p)
		if err != nil {
			return err
		}
		shards[i] = s
	}
	shards, err := checkShards(shards)
	if err != nil {
		return err
	}
	first := shards[0]
	model, err := stitchModel(first)
	if err != nil {
		return err
	}
	if f.verbose {
		for _, s := range shards {
			fmt.Fprintf(stderr, "shard %d/%d: rows %d-%d from %s\n", s.index, s.count, s.lo, s.hi-1, s.path)
		}
	}
	out, err := openOutput(f.output, f.force, stdout, stderr)
	if err != nil {
		return err
	}
	defer out.abort()
	height := shards[len(shards)-1].hi
	return out.writeWith(ctx, func(w io.Writer) error {
		// No tEXt: a render of the whole view writes none, and the bytes
		// must be that render's.
		pw, err := imageio.NewPNGWriter(w, first.info.Width, height, model,
			imageio.PNGOptions{Workers: f.workers})
		if err != nil {
			return err
		}
		strip := newStrip(model, first.info.Width)
		for _, s := range shards {
			if err := copyShard(ctx, pw, s, strip); err != nil {
				return err
			}
		}
		return pw.Close()
	})
}

// readShard reads what a shard file says before its rows.
func readShard(path string) (*shardFile, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := &shardFile{path: path, info: d.Info(), view: map[string]string{}}
	var shard, rows string
	for _, t := range s.info.Text {
		switch {
		case t.Key == keyShard:
			shard = t.Value
		case t.Key == keyRows:
			rows = t.Value
		case strings.HasPrefix(t.Key, keyPrefix):
			s.view[t.Key] = t.Value
		}
	}
	if shard == "" {
		return nil, fmt.Errorf("%s: not a mandel shard (no %s text; render shards with mandel --shard i/n)", path, keyShard)
	}
	var w, h int
	if _, err := fmt.Sscanf(s.view[keyPrefix+"size"], "%dx%d", &w, &h); err != nil {
		return nil, fmt.Errorf("%s: bad %ssize %q", path, keyPrefix, s.view[keyPrefix+"size"])
	}
	var ok bool
	if s.index, s.count, ok = parseShard(shard); !ok || render.CheckShard(h, s.index, s.count) != nil {
		return nil, fmt.Errorf("%s: bad %s %q of a %d-row image", path, keyShard, shard, h)
	}
	// The rows are those that mandel --shard renders (render.ShardRows),
	// so the shards of one render, one per index, cover it in order.
	s.lo, s.hi = render.ShardRows(h, s.index, s.count)
	if want := fmt.Sprintf("%d-%d", s.lo, s.hi-1); rows != want {
		return nil, fmt.Errorf("%s: %s %q, but shard %s of %d rows holds rows %s", path, keyRows, rows, shard, h, want)
	}
	if s.info.Width != w || s.info.Height != s.hi-s.lo {
		return nil, fmt.Errorf("%s: a %dx%d PNG cannot be rows %s of a %dx%d image", path, s.info.Width, s.info.Height, rows, w, h)
	}
	return s, nil
}

// checkShards checks that the shards are those of one render, each once,
// and returns them in order.
func checkShards(shards []*shardFile) ([]*shardFile, error) {
	first := shards[0]
	for _, s := range shards[1:] {
		if err := sameRender(first, s); err != nil {
			return nil, err
		}
	}
	n := first.count
	byIndex := make([]*shardFile, n)
	for _, s := range shards {
		if prev := byIndex[s.index]; prev != nil {
			return nil, fmt.Errorf("%s and %s are both shard %d of %d", prev.path, s.path, s.index, n)
		}
		byIndex[s.index] = s
	}
	var missing []string
	for i, s := range byIndex {
		if s == nil {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing shard %s of %d (have %d files)", strings.Join(missing, ", "), n, len(shards))
	}
	return byIndex, nil
}

// sameRender reports how s differs from first, other than in its rows.
func sameRender(first, s *shardFile) error {
	differ := func(what, a, b string) error {
		return fmt.Errorf("%s: not a shard of the same render as %s: %s %s, not %s", s.path, first.path, what, b, a)
	}
	keys := make([]string, 0, len(first.view)+len(s.view))
	for k := range first.view {
		keys = append(keys, k)
	}
	for k := range s.view {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range slices.Compact(keys) {
		a, okA := first.view[k]
		b, okB := s.view[k]
		if !okA {
			a = "(none)"
		}
		if !okB {
			b = "(none)"
		}
		if a != b {
			return differ(k, a, b)
		}
	}
	switch {
	case s.count != first.count:
		return differ("shard count", strconv.Itoa(first.count), strconv.Itoa(s.count))
	case s.info.ColourType != first.info.ColourType:
		return differ("PNG colour type", strconv.Itoa(first.info.ColourType), strconv.Itoa(s.info.ColourType))
	case string(s.info.Palette) != string(first.info.Palette) || string(s.info.Transparency) != string(first.info.Transparency):
		return differ("palette", "the first's", "another")
	}
	return nil
}

// stitchModel is the PNG writer's model for the shards' colour type.
func stitchModel(s *shardFile) (color.Model, error) {
	switch s.info.ColourType {
	case 0:
		return color.GrayModel, nil
	case 2:
		return color.RGBAModel, nil
	case 3:
		pal := make(color.Palette, len(s.info.Palette)/3)
		for i := range pal {
			c := color.NRGBA{s.info.Palette[3*i], s.info.Palette[3*i+1], s.info.Palette[3*i+2], 0xff}
			if i < len(s.info.Transparency) {
				c.A = s.info.Transparency[i]
			}
			pal[i] = c
		}
		return pal, nil
	}
	// Straight alpha would have to be premultiplied for the writer and back,
	// which does not give every byte back; mandel's shards are opaque.
	return nil, fmt.Errorf("%s: colour type %d (RGBA) is not stitched; mandel writes opaque shards", s.path, s.info.ColourType)
}

// strip is an image of up to a MiB of rows, which the PNG writer takes.
type strip struct {
	model  color.Model
	width  int
	rows   int // at most
	pix    []byte
	stride int
}

func newStrip(model color.Model, width int) *strip {
	bpp := 1
	if model == color.RGBAModel {
		bpp = 4
	}
	rows := max(1, (1<<20)/(width*bpp))
	return &strip{model: model, width: width, rows: rows, pix: make([]byte, rows*width*bpp), stride: width * bpp}
}

// image returns the first n rows as an image of the model's type.
func (s *strip) image(n int) image.Image {
	r := image.Rect(0, 0, s.width, n)
	pix := s.pix[:n*s.stride]
	switch s.model {
	case color.GrayModel:
		return &image.Gray{Pix: pix, Stride: s.stride, Rect: r}
	case color.RGBAModel:
		return &image.RGBA{Pix: pix, Stride: s.stride, Rect: r}
	}
	return &image.Paletted{Pix: pix, Stride: s.stride, Rect: r, Palette: s.model.(color.Palette)}
}

// setRow sets row y of the strip from a PNG row.
func (s *strip) setRow(y int, row []byte) {
	dst := s.pix[y*s.stride : (y+1)*s.stride]
	if s.model != color.RGBAModel {
		copy(dst, row)
		return
	}
	for len(row) >= 3 {
		d := (*[4]byte)(dst)
		d[0], d[1], d[2], d[3] = row[0], row[1], row[2], 0xff
		dst, row = dst[4:], row[3:]
	}
}

// copyShard reads s's rows and writes them to pw, a strip at a time, and
// checks the rest of its file.
func copyShard(ctx context.Context, pw *imageio.PNGWriter, s *shardFile, st *strip) error {
	file, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	if err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	if info := d.Info(); info.Width != s.info.Width || info.Height != s.info.Height || !slices.Equal(info.Text, s.info.Text) ||
		info.ColourType != s.info.ColourType || string(info.Palette) != string(s.info.Palette) {
		return fmt.Errorf("%s: changed while being stitched", s.path)
	}
	for y := 0; y < s.info.Height; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(st.rows, s.info.Height-y)
		for i := range n {
			row, err := d.ReadRow()
			if err != nil {
				return fmt.Errorf("%s: %w", s.path, err)
			}
			st.setRow(i, row)
		}
		if err := pw.WriteRows(st.image(n)); err != nil {
			return err
		}
		y += n
	}
	if err := d.Finish(); err != nil {
		return fmt.Errorf("%s: %w", s.path, err)
	}
	return nil
}

func printStitchHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, `mandel stitch puts the shards of a render back together.

Usage:
  mandel stitch -o OUTPUT.png SHARD.png...

A render split into shards, each a strip of whole rows rendered by one
task of a cluster job, writes one PNG per shard:

  mandel --shard 0/4 --view full --size 65536 shard-%%d.png   # %%d is the index
  ...
  mandel --shard 3/4 --view full --size 65536 shard-%%d.png
  mandel stitch -o poster.png shard-*.png

The shard comes from --shard i/n, or else from the environment: in a Slurm
job array (sbatch --array=0-3) from SLURM_ARRAY_TASK_ID and the array's
size; in a Kubernetes Indexed Job from JOB_COMPLETION_INDEX, with
--shards N for the number of completions.

Each shard carries the view, the settings that change pixels, its index and
its rows in PNG tEXt chunks (mandel:size, mandel:center, ..., mandel:shard,
mandel:rows). stitch checks that the shards are of one render, each index
0..n-1 once and their rows covering the image, then streams the rows out
through the same PNG writer as a single render: the bytes are those that
mandel writes rendering the whole view on one machine. Memory stays bounded
whatever the size: a strip of rows and the compressor's buffers.

Shards of different renders, a missing or doubled shard, a truncated or
corrupt file, or a PNG that is not a shard: one line naming the file, exit
status 1, and no OUTPUT. A file given twice is a command line error, exit
status 2.

Flags:
%s`, flagUsages(fs))
}
