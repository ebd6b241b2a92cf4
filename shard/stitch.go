package shard

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/imageio"
)

// File is a shard file as its header says: which rows of which render.
type File struct {
	Path   string
	Header Header
	info   imageio.PNGInfo
}

// Set is the shards of one render, each once, checked before a byte of the
// whole image is written, so that a bad shard leaves no output.
type Set struct {
	files []File
}

// ReadSet reads the headers of the shard files at paths, in any order, and
// checks that they are the shards of one render, each index once.
func ReadSet(paths []string) (*Set, error) {
	if len(paths) == 0 {
		return nil, errors.New("shard: no shard files")
	}
	files := make([]File, len(paths))
	for i, p := range paths {
		f, err := readFile(p)
		if err != nil {
			return nil, err
		}
		files[i] = f
	}
	first := &files[0]
	for i := range files[1:] {
		if err := sameRender(first, &files[1+i]); err != nil {
			return nil, err
		}
	}
	n := first.Header.Count
	byIndex := make([]*File, n)
	for i := range files {
		f := &files[i]
		if prev := byIndex[f.Header.Index]; prev != nil {
			return nil, fmt.Errorf("%q and %q are both shard %d of %d", prev.Path, f.Path, f.Header.Index, n)
		}
		byIndex[f.Header.Index] = f
	}
	var missing []string
	for i, f := range byIndex {
		if f == nil {
			missing = append(missing, strconv.Itoa(i))
		}
	}
	if len(missing) > 0 {
		have := fmt.Sprintf("%d files", len(files))
		if len(files) == 1 {
			have = "1 file"
		}
		// The first few name the gap; all of a thousand shards would
		// bury the line.
		list := strings.Join(missing[:min(len(missing), maxListed)], ", ")
		if more := len(missing) - maxListed; more > 0 {
			list += fmt.Sprintf(" and %d more", more)
		}
		return nil, fmt.Errorf("missing shard %s of %d (have %s)", list, n, have)
	}
	s := &Set{files: make([]File, n)}
	for i, f := range byIndex {
		s.files[i] = *f
	}
	if _, err := s.model(); err != nil {
		return nil, err
	}
	return s, nil
}

// maxListed is how many missing shards ReadSet's error names.
const maxListed = 10

// Files returns the shards in order, the first rows first.
func (s *Set) Files() []File { return slices.Clone(s.files) }

// sameRender reports how f differs from first, other than in its rows.
func sameRender(first, f *File) error {
	differ := func(what, a, b string) error {
		a, b = shown(a), shown(b)
		// A key that only one of them writes (mandel:reference) would
		// read "mandel:reference 0,1, not " with an empty value.
		switch {
		case a == "":
			return fmt.Errorf("%q: not a shard of the same render as %q: %s %s, which %q does not have", f.Path, first.Path, what, b, first.Path)
		case b == "":
			return fmt.Errorf("%q: not a shard of the same render as %q: %s missing, %s in %q", f.Path, first.Path, what, a, first.Path)
		}
		return fmt.Errorf("%q: not a shard of the same render as %q: %s %s, not %s", f.Path, first.Path, what, b, a)
	}
	a, b := textMap(first.Header.viewText()), textMap(f.Header.viewText())
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	// b's too: a key that only one writes (mandel:method, forced in one
	// render only) is a difference.
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	// In the order of the keys' names, so that the message names the same
	// key whichever order the header writes them in.
	slices.Sort(keys)
	for _, k := range keys {
		if a[k] != b[k] {
			return differ(k, a[k], b[k])
		}
	}
	switch {
	case f.Header.Preset != first.Header.Preset:
		return differ(keyView, first.Header.Preset, f.Header.Preset)
	case f.Header.Count != first.Header.Count:
		return differ("shard count", strconv.Itoa(first.Header.Count), strconv.Itoa(f.Header.Count))
	case f.info.ColourType != first.info.ColourType:
		return differ("PNG colour type", strconv.Itoa(first.info.ColourType), strconv.Itoa(f.info.ColourType))
	case string(f.info.Palette) != string(first.info.Palette) || string(f.info.Transparency) != string(first.info.Transparency):
		return differ("palette", "the first's", "another")
	}
	return nil
}

func textMap(texts []imageio.PNGText) map[string]string {
	m := make(map[string]string, len(texts))
	for _, t := range texts {
		m[t.Key] = t.Value
	}
	return m
}

// Stitch writes the whole image of the shards at paths to w, with the PNG
// writer that a render of the whole image uses, so that the bytes are that
// render's. It checks the shards first (see ReadSet), and writes nothing to
// w if they are not one render's. workers goroutines compress.
func Stitch(ctx context.Context, w io.Writer, paths []string, workers int) error {
	s, err := ReadSet(paths)
	if err != nil {
		return err
	}
	return s.Stitch(ctx, w, workers)
}

// Stitch writes the whole image to w, a shard and a strip of rows at a
// time, so that memory stays bounded whatever the image's size; workers
// goroutines compress. A shard that changed since ReadSet read it, or whose
// rows turn out corrupt, is an error naming its file.
func (s *Set) Stitch(ctx context.Context, w io.Writer, workers int) error {
	model, err := s.model()
	if err != nil {
		return err
	}
	first := s.files[0]
	// The whole picture's tEXt, as a render of the whole view writes it:
	// the bytes must be that render's.
	cw := &cutWriter{w: w}
	pw, err := imageio.NewPNGWriter(cw, first.info.Width, first.Header.View.Height, model,
		imageio.PNGOptions{Workers: workers, Text: first.Header.Picture().Text()})
	if err != nil {
		return err
	}
	// A strip of rows at a time, as the PNG stores them: the reader's rows
	// go to the writer as they are.
	rowLen := pw.RowBytes()
	strip := make([]byte, 0, max(1, stripBytes/rowLen)*rowLen)
	for _, f := range s.files {
		if err := copyShard(ctx, pw, f, strip); err != nil {
			// Close waits for the compressing goroutines, which must not
			// outlive Stitch; cut off, it writes nothing more to w.
			cw.cut = true
			pw.Close()
			return err
		}
	}
	return pw.Close()
}

// stripBytes is how many bytes of rows Stitch copies at a time, as many
// rows as fit but at least one; a variable so that tests cut small shards
// into several strips.
var stripBytes = 1 << 20

// errCut is what a cutWriter's writes return once it is cut off.
var errCut = errors.New("shard: stitch stopped")

// cutWriter passes writes to w until it is cut off.
type cutWriter struct {
	w   io.Writer
	cut bool
}

func (c *cutWriter) Write(p []byte) (int, error) {
	if c.cut {
		return 0, errCut
	}
	return c.w.Write(p)
}

// model is the PNG writer's model for the shards' colour type, in which
// their rows pass through unchanged.
func (s *Set) model() (color.Model, error) {
	f := s.files[0]
	if f.info.ColourType == 6 {
		// mandel writes no RGBA image, whole or shard, so an RGBA shard is
		// not one of its renders, and there is no whole render to equal.
		return nil, fmt.Errorf("%q: colour type %d (RGBA) is not stitched; mandel writes opaque shards", f.Path, f.info.ColourType)
	}
	m, err := f.info.Model()
	if err != nil {
		return nil, fmt.Errorf("%q: %w", f.Path, err)
	}
	return m, nil
}

// copyShard reads f's rows and writes them to pw, a strip at a time, and
// checks the rest of its file.
func copyShard(ctx context.Context, pw *imageio.PNGWriter, f File, strip []byte) error {
	file, err := os.Open(f.Path)
	if err != nil {
		return err
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	if err != nil {
		return fmt.Errorf("%q: %w", f.Path, err)
	}
	if info := d.Info(); info.Width != f.info.Width || info.Height != f.info.Height || !slices.Equal(info.Text, f.info.Text) ||
		info.ColourType != f.info.ColourType || string(info.Palette) != string(f.info.Palette) {
		return fmt.Errorf("%q: changed while being stitched", f.Path)
	}
	for y := 0; y < f.info.Height; {
		if err := ctx.Err(); err != nil {
			return err
		}
		strip = strip[:0]
		for ; y < f.info.Height && len(strip) < cap(strip); y++ {
			row, err := d.ReadRow()
			if err != nil {
				return fmt.Errorf("%q: %w", f.Path, err)
			}
			strip = append(strip, row...)
		}
		if err := pw.WriteRawRows(strip); err != nil {
			return err
		}
	}
	if err := d.Finish(); err != nil {
		return fmt.Errorf("%q: %w", f.Path, err)
	}
	return nil
}
