package shard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

// testImage is a width x height image of the kind, with pixels that vary
// enough to be filtered every way but compress fast.
func testImage(kind string, width, height int) image.Image {
	r := image.Rect(0, 0, width, height)
	px := func(x, y, c int) uint8 { return uint8((x*7 + y*13 + c*29 + x*y/5) % 251) }
	switch kind {
	case "grey":
		m := image.NewGray(r)
		for y := range height {
			for x := range width {
				m.Pix[m.PixOffset(x, y)] = px(x, y, 0)
			}
		}
		return m
	case "rgb":
		m := image.NewRGBA(r)
		for y := range height {
			for x := range width {
				m.SetRGBA(x, y, color.RGBA{px(x, y, 0), px(x, y, 1), px(x, y, 2), 0xff})
			}
		}
		return m
	}
	pal := make(color.Palette, 200)
	for i := range pal {
		pal[i] = color.RGBA{uint8(i), uint8(255 - i), uint8(i * 3), 0xff}
	}
	m := image.NewPaletted(r, pal)
	for y := range height {
		for x := range width {
			m.Pix[m.PixOffset(x, y)] = px(x, y, 0) % 200
		}
	}
	return m
}

// modelOf is the PNG writer's model for an image of testImage's.
func modelOf(m image.Image) color.Model {
	if p, ok := m.(*image.Paletted); ok {
		return p.Palette
	}
	return m.ColorModel()
}

// encode writes m with imageio's PNG writer, as a whole render does, with
// text.
func encode(t *testing.T, m image.Image, text []imageio.PNGText) []byte {
	t.Helper()
	var buf bytes.Buffer
	b := m.Bounds()
	pw, err := imageio.NewPNGWriter(&buf, b.Dx(), b.Dy(), modelOf(m), imageio.PNGOptions{Text: text, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.WriteRows(m); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// headerOf is a header of shard i of n of an image the size of m.
func headerOf(m image.Image, i, n int) Header {
	h := testHeader()
	h.View.Width, h.View.Height = m.Bounds().Dx(), m.Bounds().Dy()
	h.Index, h.Count = i, n
	return h
}

// writeShard writes the rows of m that h says to dir, named after its
// index, and returns its path.
func writeShard(t *testing.T, dir string, m image.Image, h Header) string {
	t.Helper()
	lo, hi := h.Rows()
	b := m.Bounds()
	sub := m.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Min.X, lo, b.Max.X, hi))
	path := filepath.Join(dir, fmt.Sprintf("shard-%d.png", h.Index))
	if err := os.WriteFile(path, encode(t, sub, h.Text()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeShards cuts m into n shards in dir and returns their paths, last
// first, as a glob would not give them.
func writeShards(t *testing.T, dir string, m image.Image, n int) []string {
	t.Helper()
	paths := make([]string, n)
	for i := range n {
		paths[n-1-i] = writeShard(t, dir, m, headerOf(m, i, n))
	}
	return paths
}

// stripRows makes Stitch copy n rows of 1000 bytes at a time, so that
// small shards are copied in several strips.
func stripRows(t *testing.T, n int) {
	old := stripBytes
	stripBytes = n * 1000
	t.Cleanup(func() { stripBytes = old })
}

// TestStitchIsTheWhole cuts images into shards and wants Stitch to write
// the bytes of the whole image written by the PNG writer, for every colour
// type that mandel writes, shard counts that divide the height and others,
// and shards of more than a strip of rows.
func TestStitchIsTheWhole(t *testing.T) {
	for _, c := range []struct {
		kind          string
		width, height int
		n             int
	}{
		{"grey", 53, 64, 4},
		{"rgb", 97, 61, 4},
		{"paletted", 40, 31, 3},
		{"rgb", 20, 9, 1},
		{"paletted", 20, 9, 9},
		// Of more than a strip of rows (stripRows), and more than
		// one of the PNG writer's compression strips.
		{"rgb", 1000, 300, 2},
		{"paletted", 700, 1000, 3},
	} {
		t.Run(fmt.Sprintf("%s-%dx%d-%d", c.kind, c.width, c.height, c.n), func(t *testing.T) {
			stripRows(t, 50)
			m := testImage(c.kind, c.width, c.height)
			want := encode(t, m, headerOf(m, 0, 1).Picture().Text())
			paths := writeShards(t, t.TempDir(), m, c.n)
			for _, workers := range []int{1, 3} {
				var got bytes.Buffer
				if err := Stitch(context.Background(), &got, paths, workers); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got.Bytes(), want) {
					t.Fatalf("%d workers: the stitched image (%d bytes) differs from the whole (%d bytes)", workers, got.Len(), len(want))
				}
			}
		})
	}
}

// TestSetFiles wants the shards in order, whatever the order of the paths.
func TestSetFiles(t *testing.T) {
	m := testImage("grey", 10, 10)
	paths := writeShards(t, t.TempDir(), m, 3)
	set, err := ReadSet(paths)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range set.Files() {
		if f.Path != paths[2-i] || f.Header != headerOf(m, i, 3) {
			t.Errorf("file %d: %s, %+v", i, f.Path, f.Header)
		}
	}
}

// TestStitchRefusesAnotherRender changes each setting in the header of a
// shard in turn, and wants Stitch to refuse it, naming the file and key,
// before it writes a byte.
func TestStitchRefusesAnotherRender(t *testing.T) {
	m := testImage("paletted", 40, 30)
	for _, c := range []struct {
		key    string
		change func(h *Header)
	}{
		{"mandel:version", func(h *Header) { h.Version = "v9" }},
		{"mandel:size", func(h *Header) { h.View.Height = 31 }},
		{"mandel:center", func(h *Header) { h.View.Center = complex(real(h.View.Center), math.Nextafter(imag(h.View.Center), 1)) }},
		{"mandel:scale", func(h *Header) { h.View.Scale = math.Nextafter(h.View.Scale, 0) }},
		// Digits past float64's: the same float64s, another view.
		{"mandel:center", func(h *Header) {
			d := h.View.Decimals()
			re, _ := decimal.Parse(d.Re.String() + "000000000000000000000001")
			h.View = h.View.WithDecimals(re, d.Im, d.Scale)
		}},
		{"mandel:maxiter", func(h *Header) { h.View.MaxIter++ }},
		{"mandel:escape", func(h *Header) { h.View.Escape = 2 }},
		{"mandel:mapping", func(h *Header) { h.View.Mapping = render.Corners }},
		{"mandel:aa", func(h *Header) { h.AA = 1 }},
		{"mandel:palette", func(h *Header) { h.Palette = "fire" }},
		{"shard count", func(h *Header) { h.Count = 4 }},
	} {
		t.Run(c.key, func(t *testing.T) {
			dir := t.TempDir()
			paths := writeShards(t, dir, m, 3)
			h := headerOf(m, 1, 3)
			c.change(&h)
			other := writeShard(t, t.TempDir(), testImage("paletted", 40, h.View.Height), h)
			var out bytes.Buffer
			err := Stitch(context.Background(), &out, []string{paths[2], other, paths[0]}, 2)
			want := strconv.Quote(other) + ": not a shard of the same render as " + strconv.Quote(paths[2]) + ": " + c.key
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Fatalf("error %v, want %q...", err, want)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes", out.Len())
			}
		})
	}
}

// TestStitchRefusesKeyOfOne: a setting that only one of the shards
// records (--method forced in one render only) is named with its value,
// where the message read "mandel:method perturb, not " with the other's
// empty one.
func TestStitchRefusesKeyOfOne(t *testing.T) {
	m := testImage("paletted", 40, 30)
	dir := t.TempDir()
	paths := writeShards(t, dir, m, 3) // shard-2, shard-1, shard-0
	h := headerOf(m, 1, 3)
	h.Method = render.MethodPerturb
	forced := writeShard(t, t.TempDir(), m, h)
	for _, c := range []struct {
		paths []string
		want  string
	}{
		{[]string{paths[2], forced, paths[0]}, strconv.Quote(forced) + ": not a shard of the same render as " + strconv.Quote(paths[2]) + ": mandel:method perturb, which " + strconv.Quote(paths[2]) + " does not have"},
		{[]string{forced, paths[2], paths[0]}, strconv.Quote(paths[2]) + ": not a shard of the same render as " + strconv.Quote(forced) + ": mandel:method missing, perturb in " + strconv.Quote(forced)},
	} {
		var out bytes.Buffer
		if err := Stitch(context.Background(), &out, c.paths, 2); err == nil || err.Error() != c.want {
			t.Errorf("error %v\n want %q", err, c.want)
		}
	}
}

// TestStitchRefuses gives Stitch sets of shards that are not one render's
// each once, and shards that are not mandel's.
func TestStitchRefuses(t *testing.T) {
	dir := t.TempDir()
	m := testImage("paletted", 40, 30)
	good := writeShards(t, dir, m, 3) // shard-2, shard-1, shard-0
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	shard1, err := os.ReadFile(good[1])
	if err != nil {
		t.Fatal(err)
	}
	grey := writeShard(t, t.TempDir(), testImage("grey", 40, 30), headerOf(m, 1, 3))
	otherPreset := headerOf(m, 1, 3)
	otherPreset.Preset = "full"
	elsewhere := writeShard(t, t.TempDir(), m, otherPreset)
	rgba := image.NewRGBA(image.Rect(0, 0, 40, 10))
	rgba.Pix[3] = 0x80 // not opaque: written with straight alpha
	notOpaque := filepath.Join(dir, "rgba.png")
	{
		var buf bytes.Buffer
		pw, err := imageio.NewPNGWriter(&buf, 40, 10, color.NRGBAModel, imageio.PNGOptions{Text: headerOf(rgba, 0, 1).Text()})
		if err != nil {
			t.Fatal(err)
		}
		if err := pw.WriteRows(rgba); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		write("rgba.png", buf.Bytes())
	}
	// A header claiming a size beyond any render's, cut into as many
	// shards: ReadSet made a slice of one entry per shard and panicked
	// (makeslice: len out of range) at 2^62.
	// A preset with a newline: the message was cut at it, and read
	// "mandel:view full" with nothing about the difference.
	oddPreset := headerOf(m, 1, 3)
	oddPreset.Preset = "full\nsecond"
	odd := writeShard(t, t.TempDir(), m, oddPreset)
	huge := headerOf(m, 0, math.MaxInt)
	huge.View.Height = math.MaxInt
	many := headerOf(m, 0, 1000)
	many.View.Height = 1000
	manyPath := write("many.png", encode(t, testImage("paletted", 40, 1), many.Text()))
	hugePath := write("huge.png", encode(t, testImage("paletted", 40, 1), huge.Text()))
	for _, c := range []struct {
		name  string
		paths []string
		want  string
	}{
		{"missing", []string{good[0], good[2]}, "missing shard 1 of 3 (have 2 files)"},
		// Every missing index was listed: a header of 1<<20 shards gave an
		// 8 MB line.
		{"missing many", []string{manyPath}, "missing shard 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 989 more of 1000 (have 1 file)"},
		{"odd preset", []string{good[2], odd, good[0]}, strconv.Quote(odd) + ": not a shard of the same render as " + strconv.Quote(good[2]) + `: mandel:view "full\nsecond", not seahorse`},
		{"size beyond any render", []string{hugePath}, strconv.Quote(hugePath) + `: bad mandel:size "40x` + strconv.Itoa(math.MaxInt) + `"`},
		{"missing two", []string{good[1]}, "missing shard 0, 2 of 3 (have 1 file)"},
		{"doubled", []string{good[2], good[1], write("copy.png", shard1), good[0]}, strconv.Quote(good[1]) + " and " + strconv.Quote(filepath.Join(dir, "copy.png")) + " are both shard 1 of 3"},
		{"not a shard", []string{good[2], write("plain.png", encode(t, m, nil)), good[0]}, strconv.Quote(filepath.Join(dir, "plain.png")) + ": not a mandel shard"},
		{"too tall for its rows", []string{good[2], write("tall.png", encode(t, testImage("paletted", 40, 11), headerOf(m, 1, 3).Text())), good[0]},
			strconv.Quote(filepath.Join(dir, "tall.png")) + ": a 40x11 PNG cannot be rows 10-19 of a 40x30 image"},
		{"grey among paletted", []string{good[2], grey, good[0]}, strconv.Quote(grey) + ": not a shard of the same render as " + strconv.Quote(good[2]) + ": PNG colour type 0, not 3"},
		{"another preset", []string{good[2], elsewhere, good[0]}, strconv.Quote(elsewhere) + ": not a shard of the same render as " + strconv.Quote(good[2]) + ": mandel:view full, not seahorse"},
		{"rgba", []string{notOpaque}, strconv.Quote(notOpaque) + ": colour type 6 (RGBA) is not stitched"},
		{"truncated header", []string{good[2], write("t1.png", shard1[:30]), good[0]}, strconv.Quote(filepath.Join(dir, "t1.png")) + ": not a valid PNG: truncated"},
		{"no such file", []string{good[2], filepath.Join(dir, "nosuch.png"), good[0]}, "nosuch.png: no such file"},
		{"none", nil, "no shard files"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Stitch(context.Background(), &out, c.paths, 2)
			if err == nil || !strings.Contains(err.Error(), c.want) || len(err.Error()) > 400 {
				t.Fatalf("error %.500v, want one holding %q (and under 400 bytes)", err, c.want)
			}
			if out.Len() != 0 {
				t.Errorf("wrote %d bytes", out.Len())
			}
		})
	}
}

// TestStitchStops breaks the shards' rows, which Stitch finds only once it
// is writing: it must name the file, write nothing more, and leave no
// goroutine behind (TestMain).
func TestStitchStops(t *testing.T) {
	// More than one compression strip, and shards of several strips.
	m := testImage("rgb", 600, 400)
	stripRows(t, 30)
	whole := encode(t, m, headerOf(m, 0, 1).Picture().Text())
	for _, c := range []struct {
		name  string
		spoil func(t *testing.T, set *Set, cancel func())
		want  string
	}{
		{"corrupt end", func(t *testing.T, set *Set, _ func()) {
			last := set.Files()[3].Path
			data, err := os.ReadFile(last)
			if err != nil {
				t.Fatal(err)
			}
			data[len(data)-20] ^= 1 // the Adler-32 of the image data
			if err := os.WriteFile(last, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}, `shard-3.png": `},
		{"truncated", func(t *testing.T, set *Set, _ func()) {
			last := set.Files()[2].Path
			data, err := os.ReadFile(last)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(last, data[:len(data)/2], 0o644); err != nil {
				t.Fatal(err)
			}
		}, `shard-2.png": png image data: not a valid PNG: truncated`},
		{"changed", func(t *testing.T, set *Set, _ func()) {
			writeShard(t, filepath.Dir(set.Files()[1].Path), testImage("rgb", 600, 500), headerOf(testImage("rgb", 600, 500), 1, 4))
		}, `shard-1.png": changed while being stitched`},
		{"removed", func(t *testing.T, set *Set, _ func()) {
			if err := os.Remove(set.Files()[1].Path); err != nil {
				t.Fatal(err)
			}
		}, "shard-1.png: no such file"},
		{"cancelled", func(t *testing.T, _ *Set, cancel func()) { cancel() }, context.Canceled.Error()},
	} {
		t.Run(c.name, func(t *testing.T) {
			set, err := ReadSet(writeShards(t, t.TempDir(), m, 4))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c.spoil(t, set, cancel)
			var out bytes.Buffer
			err = set.Stitch(ctx, &out, 3)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one holding %q", err, c.want)
			}
			if c.name == "cancelled" && !errors.Is(err, context.Canceled) {
				t.Errorf("error %v, want context.Canceled", err)
			}
			if out.Len() >= len(whole) || !bytes.Equal(out.Bytes(), whole[:out.Len()]) {
				t.Errorf("wrote %d bytes, want a beginning of the whole's %d", out.Len(), len(whole))
			}
		})
	}
}
