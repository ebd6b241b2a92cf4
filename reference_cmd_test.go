package main

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// textValue is the value of key among the PNG's tEXt chunks, and whether
// it is there.
func textValue(t *testing.T, path, key string) (string, bool) {
	t.Helper()
	for _, c := range pngText(t, path) {
		if c.Key == key {
			return c.Value, true
		}
	}
	return "", false
}

// TestMethodInPictureText: --method is written in the picture's text only
// when forced, so that a default render keeps its bytes; --from of a
// picture forced to perturbation renders it by perturbation again, to
// the same bytes.
func TestMethodInPictureText(t *testing.T) {
	dir := t.TempDir()
	view := []string{"--size", "24x16", "--center=-0.75,0.1", "--scale", "0.05", "-m", "300"}
	mustRender(t, dir, "DIR/auto.png", view...)
	if v, ok := textValue(t, filepath.Join(dir, "auto.png"), "mandel:method"); ok {
		t.Errorf("a render without --method says mandel:method %q", v)
	}
	want := mustRender(t, dir, "DIR/p.png", append(view, "--method", "perturb")...)
	if v, _ := textValue(t, filepath.Join(dir, "p.png"), "mandel:method"); v != "perturb" {
		t.Errorf("mandel:method %q, want perturb", v)
	}
	code, _, stderr := mandel(t, dir, "-v", "--from", "DIR/p.png", "DIR/again.png")
	if code != 0 {
		t.Fatalf("--from: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "method perturb") || !strings.Contains(stderr, "--method perturb") {
		t.Errorf("--from of a perturbed picture: -v says\n%s\nwant method perturb, and --method perturb in reproduce:", stderr)
	}
	if got := mustRead(t, filepath.Join(dir, "again.png")); !bytes.Equal(got, want) {
		t.Error("--from of a perturbed picture: other bytes")
	}
}

// TestReferenceFlag: --reference is written in the picture's text and
// read back by --from; at the view's centre it changes no pixel; its
// mistakes are one-line usage errors.
func TestReferenceFlag(t *testing.T) {
	dir := t.TempDir()
	view := []string{"--size", "20x12", "--center", "0,1", "--scale", "1e-30", "-m", "2000"}
	plain := mustRender(t, dir, "DIR/plain.png", view...)
	mustRender(t, dir, "DIR/ref.png", append(view, "--reference", "0,1", "--reference-scale", "1e-40")...)
	path := filepath.Join(dir, "ref.png")
	if v, _ := textValue(t, path, "mandel:reference"); v != "0,1" {
		t.Errorf("mandel:reference %q, want 0,1", v)
	}
	if v, _ := textValue(t, path, "mandel:reference-scale"); v != "1e-40" {
		t.Errorf("mandel:reference-scale %q, want 1e-40", v)
	}
	ref := mustRead(t, path)
	if again := mustRender(t, dir, "DIR/again.png", "--from", "DIR/ref.png"); !bytes.Equal(again, ref) {
		t.Error("--from of a picture with --reference: other bytes")
	}
	// Another centre or scale on the command line is another view: the
	// file's reference point does not follow it.
	moved := mustRender(t, dir, "DIR/moved.png", "--from", "DIR/ref.png", "--scale", "1e-35")
	if _, ok := textValue(t, filepath.Join(dir, "moved.png"), "mandel:reference"); ok {
		t.Error("--from with --scale kept the picture's reference point")
	}
	if len(moved) == 0 {
		t.Error("empty picture")
	}
	same := mustRender(t, dir, "DIR/same.png", append(view, "--reference", "0,1")...)
	if !bytes.Equal(pixelsOf(t, same), pixelsOf(t, plain)) {
		t.Error("--reference at the view's centre changed the pixels")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--reference-scale", "1e-40"}, "--reference-scale needs --reference"},
		{[]string{"--reference", "0,1", "--reference-scale", "1e-20"}, "is larger than the view's scale"},
		{[]string{"--reference", "0;1"}, "--reference"},
		{[]string{"--reference", "2e6,1"}, "center must be finite and within 1e+06 of 0"},
		{[]string{"--reference", "0,1", "--reference-scale", "1e-20000"}, "scale must be at least 1e-10000"},
	} {
		code, _, stderr := mandel(t, dir, append(append(view, c.args...), "DIR/bad.png")...)
		if code != 2 || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, %q; want exit 2 and one line with %q", c.args, code, stderr, c.want)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pixelsOf is the decoded pixels of a PNG file's bytes, without its text.
func pixelsOf(t *testing.T, data []byte) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			out = append(out, byte(r>>8), byte(g>>8), byte(bl>>8), byte(a>>8))
		}
	}
	return out
}

// TestFileReferenceOfDirectView: the direct kernels have no use for a
// reference point, so one that a parameter file gives with a view float64
// resolves is not checked for distance: the render is the view's, with
// no note (one from a zoom's frame is expected), and the picture keeps it.
func TestFileReferenceOfDirectView(t *testing.T) {
	dir := t.TempDir()
	par := filepath.Join(dir, "far.par")
	if err := os.WriteFile(par, []byte("size = 12x8\ncenter = -0.75,0.1\nscale = 1e-10\nmaxiter = 100\nreference = 100,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mandel(t, dir, "--params", par, "DIR/far.png")
	if code != 0 || stderr != "" {
		t.Fatalf("--params with a far reference: exit %d, %q", code, stderr)
	}
	if v, _ := textValue(t, filepath.Join(dir, "far.png"), "mandel:reference"); v != "100,0" {
		t.Errorf("mandel:reference %q, want the file's point", v)
	}
	mustRender(t, dir, "DIR/plain.png", "--size", "12x8", "--center=-0.75,0.1", "--scale", "1e-10", "-m", "100")
	if diff := samePixels(t, filepath.Join(dir, "far.png"), filepath.Join(dir, "plain.png")); diff != "" {
		t.Errorf("a far reference from a file changed a direct render's pixels: %s", diff)
	}
}
