package imageio

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	want := []Format{PNG, JPEG, GIF, BMP, TIFF, PGM, PPM, PBM, NPY, NPYSmooth}
	got := Formats()
	if !slices.Equal(got, want) {
		t.Fatalf("Formats() = %v, want %v", got, want)
	}
	got[0] = "mutated"
	if Formats()[0] != PNG {
		t.Error("Formats returns the package's own slice")
	}
	for _, f := range want {
		if f.Ext() == "" {
			t.Errorf("%s.Ext() is empty", f)
		}
		if g, err := FormatOf("x" + f.Ext()); err != nil || g != f && f != NPYSmooth {
			t.Errorf("FormatOf(x%s) = %q, %v; want %q", f.Ext(), g, err, f)
		}
	}
	if Format("webp").Ext() != "" {
		t.Error(`Format("webp").Ext() is not empty`)
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Format
	}{
		{"png", PNG}, {"PNG", PNG}, {"Png", PNG},
		{"jpg", JPEG}, {"jpeg", JPEG}, {"JPG", JPEG}, {"JpEg", JPEG},
		{"gif", GIF}, {"bmp", BMP}, {"BMP", BMP},
		{"tif", TIFF}, {"tiff", TIFF}, {"TIF", TIFF},
		{"pgm", PGM}, {"ppm", PPM}, {"pbm", PBM}, {"PBM", PBM},
		{"npy", NPY}, {"NPY", NPY}, {"npy-smooth", NPYSmooth}, {"NPY-Smooth", NPYSmooth},
	} {
		got, err := ParseFormat(tc.name)
		if err != nil || got != tc.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	for _, name := range []string{"", "webp", ".png", "png ", "pn", "jpe", "p4", "image/png"} {
		got, err := ParseFormat(name)
		if err == nil {
			t.Errorf("ParseFormat(%q) = %q, want an error", name, got)
			continue
		}
		if !errors.Is(err, ErrUnknownFormat) {
			t.Errorf("ParseFormat(%q): error %v does not wrap ErrUnknownFormat", name, err)
		}
	}
	_, err := ParseFormat("webp")
	if want := `unknown format "webp" (valid: png, jpeg, gif, bmp, tiff, pgm, ppm, pbm, npy, npy-smooth)`; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("ParseFormat(webp) error = %v, want it to end in %s", err, want)
	}
}

func TestFormatOf(t *testing.T) {
	for _, tc := range []struct {
		path string
		want Format
	}{
		{"out.png", PNG}, {"OUT.PNG", PNG}, {"dir/a.b.Png", PNG},
		{"x.jpg", JPEG}, {"x.jpeg", JPEG}, {"x.JPG", JPEG}, {"x.JPEG", JPEG},
		{"x.gif", GIF}, {"x.bmp", BMP}, {"x.tif", TIFF}, {"x.tiff", TIFF}, {"x.TIFF", TIFF},
		{"x.pgm", PGM}, {"x.ppm", PPM}, {"x.pbm", PBM}, {"/tmp/mandel.PBM", PBM},
		{".png", PNG},
	} {
		got, err := FormatOf(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	for _, tc := range []struct{ path, mention string }{
		{"out", "no file extension"},
		{"", "no file extension"},
		{"dir.png/out", "no file extension"},
		{"out.", `"."`},
		{"out.webp", `".webp"`},
		{"out.png.gz", `".gz"`},
		{"out.p", `".p"`},
	} {
		got, err := FormatOf(tc.path)
		if err == nil {
			t.Errorf("FormatOf(%q) = %q, want an error", tc.path, got)
			continue
		}
		msg := err.Error()
		if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(msg, tc.mention) ||
			!strings.Contains(msg, ".png, .jpg, .jpeg, .gif, .bmp, .tif, .tiff, .pgm, .ppm, .pbm") {
			t.Errorf("FormatOf(%q) error = %q; want ErrUnknownFormat mentioning %s and the valid extensions", tc.path, msg, tc.mention)
		}
	}
}

func TestFormatFlagValue(t *testing.T) {
	var f Format
	if err := f.Set("JPG"); err != nil || f != JPEG || f.String() != "jpeg" {
		t.Errorf("Set(JPG): f = %q, err = %v; want jpeg", f, err)
	}
	if err := f.Set("webp"); err == nil || f != JPEG {
		t.Errorf("Set(webp): f = %q, err = %v; want an error and f unchanged", f, err)
	}
	if f.Type() == "" {
		t.Error("Type() is empty")
	}
}

// imageFormats are the formats that hold colours: every format but the
// npy ones, which hold counts (npy_test.go tests them).
func imageFormats() []Format {
	var fs []Format
	for _, f := range Formats() {
		if f.NPYType() == "" {
			fs = append(fs, f)
		}
	}
	return fs
}
