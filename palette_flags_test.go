package main

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// renderBytes renders with args to a PNG in dir and returns its pixels'
// bytes: the file's text records the palette as given, a name or stops.
func renderBytes(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	out := filepath.Join(dir, "o.png")
	args = append([]string{"--size", "48x32", "-V", "seahorse", "-q"}, append(args, out)...)
	if code, _, stderr := mandel(t, dir, args...); code != 0 {
		t.Fatalf("mandel %s: exit %d: %s", strings.Join(args, " "), code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	pixels := image.NewNRGBA(m.Bounds())
	draw.Draw(pixels, pixels.Rect, m, m.Bounds().Min, draw.Src)
	return pixels.Pix
}

// TestPaletteFlags: a gradient on the command line or in a file that is a
// built-in's gives its bytes; density and offset change them, and the
// density of a flag is the density of the palette's text.
func TestPaletteFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "classic.txt")
	if err := os.WriteFile(file, []byte("# classic\n0 #000764\n0.2 #206bcb\n0.4 #edffff\n0.6 #ffaa00\n0.8 #000200\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, aa := range []string{"1", "2"} {
		classic := renderBytes(t, dir, "--aa", aa)
		for _, args := range [][]string{
			{"-p", "gradient:#000764,#206bcb,#edffff,#ffaa00,#000200"},
			{"-p", "gradient:0=#000764,0.2=#206bcb,0.4=#edffff,0.6=#ffaa00,0.8=#000200"},
			{"--palette-file", file},
			{"--palette-density", "1", "--palette-offset", "0"},
		} {
			if got := renderBytes(t, dir, append(args, "--aa", aa)...); !bytes.Equal(got, classic) {
				t.Errorf("aa %s, %s: not classic's bytes", aa, strings.Join(args, " "))
			}
		}
		dense := renderBytes(t, dir, "--aa", aa, "--palette-density", "2.5")
		if bytes.Equal(dense, classic) {
			t.Errorf("aa %s: --palette-density 2.5 changed nothing", aa)
		}
		if got := renderBytes(t, dir, "--aa", aa, "-p", "classic;density=2.5"); !bytes.Equal(got, dense) {
			t.Errorf("aa %s: classic;density=2.5 is not --palette-density 2.5", aa)
		}
		shifted := renderBytes(t, dir, "--aa", aa, "--palette-offset", "0.3")
		if bytes.Equal(shifted, classic) || bytes.Equal(shifted, dense) {
			t.Errorf("aa %s: --palette-offset 0.3 changed nothing", aa)
		}
		if got := renderBytes(t, dir, "--aa", aa, "--palette-file", file, "--palette-offset", "0.3"); !bytes.Equal(got, shifted) {
			t.Errorf("aa %s: the file with --palette-offset is not classic's", aa)
		}
	}
}

func TestPaletteFlagErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("0 #000000\n\n0.5 #ff00\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-p", "gradient:0=#000764,0.16=#206bcb,0.42=#edfff"}, `mandel: palette "gradient:0=#000764,0.16=#206bcb,0.42=#edfff": stop 3 "0.42=#edfff": colour "#edfff" is not #RRGGBB (6 hex digits)`},
		{[]string{"-p", "gradient:0.5=#000000,0.2=#ffffff"}, `mandel: palette "gradient:0.5=#000000,0.2=#ffffff": stop 2 "0.2=#ffffff": position 0.2 is before the previous stop's 0.5 (positions must not decrease)`},
		{[]string{"--palette-file", bad}, `mandel: --palette-file: "DIR/bad.txt":3: "0.5 #ff00": colour "#ff00" is not #RRGGBB (6 hex digits)`},
		{[]string{"-p", "fire", "--palette-file", bad}, `mandel: --palette and --palette-file both give the palette; give one`},
		{[]string{"--palette-density", "0"}, `mandel: --palette-density must be in (0, 1e+06], got 0`},
		{[]string{"--palette-offset", "inf"}, `mandel: invalid argument "inf" for "--palette-offset" flag`},
	} {
		code, stdout, stderr := mandel(t, dir, append(tc.args, "DIR/o.png")...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
	// A file that cannot be read is a failure, as --from's and --params'
	// are, and its path is quoted: a newline in it once cut the message
	// short at "open DIR/a".
	for _, missing := range []string{"DIR/missing.txt", "DIR/a\nb.txt", "DIR/"} {
		code, _, stderr := mandel(t, dir, "--palette-file", missing, "DIR/o.png")
		want := strconv.Quote(missing) + ": "
		if code != exitFailure || !strings.HasPrefix(stderr, "mandel: --palette-file: ") || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--palette-file %q: exit %d, stderr %q; want 1 and a line with %s", missing, code, stderr, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o.png")); err == nil {
		t.Error("a refused palette wrote o.png")
	}
}

// TestPaletteGalleryIsCurrent: the renders in docs/palettes/ have the
// pixels that scripts/palettes.sh's commands give today (pixels, not
// bytes, so that what a PNG says of itself may change).
func TestPaletteGalleryIsCurrent(t *testing.T) {
	dir := t.TempDir()
	uf := filepath.Join("docs", "palettes", "ultrafractal.txt")
	cases := map[string][]string{
		"elephant-ultrafractal.png":          {"--palette-file", uf},
		"elephant-ultrafractal-density3.png": {"--palette-file", uf, "--palette-density", "3"},
		"elephant-ultrafractal-offset05.png": {"--palette-file", uf, "--palette-offset", "0.5"},
	}
	for _, p := range []string{"classic", "fire", "ocean", "twilight", "gray"} {
		cases["elephant-"+p+".png"] = []string{"-p", p}
	}
	for name, args := range cases {
		out := filepath.Join(dir, name)
		if code, _, stderr := mandel(t, dir, append([]string{"-q", "-V", "elephant", "--size", "320x120", out}, args...)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
		got, want := decodePNG(t, out), decodePNG(t, filepath.Join("docs", "palettes", name))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("docs/palettes/%s is not today's render: run scripts/palettes.sh", name)
		}
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// TestPaletteInShardHeader: a shard records the whole palette, gradient,
// density and offset, so shards of one render stitch to its bytes and
// shards of different densities are refused.
func TestPaletteInShardHeader(t *testing.T) {
	dir := t.TempDir()
	g := "gradient:0=#000764,0.16=#206bcb,0.42=#edffff,0.6425=#ffaa00,0.8575=#000200"
	for i, density := range []string{"2", "2", "3"} {
		args := []string{"-q", "--size", "30x20", "-p", g, "--palette-density", density, "--shard", strconv.Itoa(i) + "/3", "DIR/s-%d.png"}
		if code, _, stderr := mandel(t, dir, args...); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
	}
	code, _, stderr := mandel(t, dir, "stitch", "-o", "DIR/all.png", "DIR/s-0.png", "DIR/s-1.png", "DIR/s-2.png")
	if want := ";density=3, not " + g + ";density=2"; code == 0 || !strings.Contains(stderr, want) {
		t.Errorf("stitch of densities 2 and 3: exit %d, %q; want a refusal naming %q", code, stderr, want)
	}
	if code, _, stderr := mandel(t, dir, "-q", "--size", "30x20", "-p", g+";density=2", "--shard", "2/3", "DIR/s-%d.png"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := mandel(t, dir, "stitch", "-o", "DIR/all.png", "DIR/s-0.png", "DIR/s-1.png", "DIR/s-2.png"); code != 0 {
		t.Fatalf("stitch: exit %d: %s", code, stderr)
	}
	if code, _, stderr := mandel(t, dir, "-q", "--size", "30x20", "--palette-density", "2", "-p", g, "DIR/whole.png"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	all, _ := os.ReadFile(filepath.Join(dir, "all.png"))
	whole, _ := os.ReadFile(filepath.Join(dir, "whole.png"))
	if len(all) == 0 || !bytes.Equal(all, whole) {
		t.Error("the stitched shards are not the whole render's bytes")
	}
}
