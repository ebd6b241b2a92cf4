package main

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
)

// pngText reads the tEXt chunks of the PNG at path.
func pngText(t *testing.T, path string) []imageio.PNGText {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := imageio.NewPNGReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return d.Info().Text
}

// mustRender runs mandel with args, which must succeed, and returns the
// bytes of the file out (a path in dir, or "DIR/name").
func mustRender(t *testing.T, dir, out string, args ...string) []byte {
	t.Helper()
	if code, _, stderr := mandel(t, dir, append(args, out)...); code != 0 {
		t.Fatalf("mandel %s %s: exit %d: %s", strings.Join(args, " "), out, code, stderr)
	}
	data, err := os.ReadFile(strings.Replace(out, "DIR/", dir+"/", 1))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPictureText: a PNG says how it was made, every setting that changes
// its pixels and the release, and nothing that does not (strategy,
// workers, kernel, shortcuts, the revision or the machine).
func TestPictureText(t *testing.T) {
	dir := t.TempDir()
	mustRender(t, dir, "DIR/a.png", "-V", "seahorse", "--size", "30x20", "-p", "fire", "--aa", "2",
		"--center=-0.75,0.125", "--scale", "0.25", "-m", "300", "--escape", "4", "-s", "cyclic", "-w", "3", "--shortcuts=false")
	want := []imageio.PNGText{
		{Key: "mandel:version", Value: version}, {Key: "mandel:size", Value: "30x20"},
		{Key: "mandel:center", Value: "-0.75,0.125"}, {Key: "mandel:scale", Value: "0.25"},
		{Key: "mandel:maxiter", Value: "300"}, {Key: "mandel:escape", Value: "4"},
		{Key: "mandel:mapping", Value: "centres"}, {Key: "mandel:aa", Value: "2"},
		{Key: "mandel:palette", Value: "fire"}, {Key: "mandel:view", Value: "seahorse"},
		{Key: "Software", Value: "mandel " + version},
	}
	if got := pngText(t, filepath.Join(dir, "a.png")); !slices.Equal(got, want) {
		t.Errorf("text\n%q\nwant\n%q", got, want)
	}
	// The default escape is written as the radius it is.
	mustRender(t, dir, "DIR/b.png", "--size", "8")
	for _, c := range pngText(t, filepath.Join(dir, "b.png")) {
		if c.Key == "mandel:escape" && c.Value != "2" {
			t.Errorf("default escape written as %q, want 2", c.Value)
		}
	}
}

// roundTrips are pictures that --from, --params and the reproduce: line
// must render again to the same bytes: palettes, supersampling, the
// corners mapping, a centre and scale of many digits, shortcuts off.
var roundTrips = [][]string{
	{"-V", "seahorse", "--size", "41x27", "-p", "fire", "--aa", "2"},
	{"-V", "benchgame", "--size", "24", "-p", "gray"},
	{"--size", "33x18", "--center=-0.7436438870371587,0.13182590420531198", "--scale", "3.0000000000000004e-05", "-m", "700", "--escape", "1000"},
	{"-V", "tophalf", "--size", "20x30", "--shortcuts=false", "-p", "ocean"},
}

// TestFromRoundTrip renders pictures, renders them again from their files
// with other strategies and workers, and wants the same bytes.
func TestFromRoundTrip(t *testing.T) {
	for _, args := range roundTrips {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			want := mustRender(t, dir, "DIR/a.png", args...)
			got := mustRender(t, dir, "DIR/b.png", "--from", "DIR/a.png", "-s", "serial", "-w", "1")
			if !bytes.Equal(got, want) {
				t.Errorf("--from: %d bytes differ from the picture's %d", len(got), len(want))
			}
			// And again from the picture made from the picture.
			if again := mustRender(t, dir, "DIR/c.png", "--from", "DIR/b.png", "-s", "bands", "-w", "3"); !bytes.Equal(again, want) {
				t.Errorf("--from twice: bytes differ")
			}
		})
	}
}

// TestParamsRoundTrip writes each picture's settings with --save-params,
// renders them with --params, and wants the same bytes; the file written
// from --params is the file read.
func TestParamsRoundTrip(t *testing.T) {
	for _, args := range roundTrips {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			want := mustRender(t, dir, "DIR/a.png", append(slices.Clone(args), "--save-params", "DIR/a.par")...)
			got := mustRender(t, dir, "DIR/b.png", "--params", "DIR/a.par", "--save-params", "DIR/b.par")
			if !bytes.Equal(got, want) {
				t.Errorf("--params: %d bytes differ from the picture's %d", len(got), len(want))
			}
			a, _ := os.ReadFile(filepath.Join(dir, "a.par"))
			b, _ := os.ReadFile(filepath.Join(dir, "b.par"))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("the settings written from --params differ:\n%s\nwant\n%s", b, a)
			}
			// Without OUTPUT, --save-params writes the settings alone: the
			// same file, from the flags or from the picture.
			code, stdout, stderr := mandel(t, dir, append(slices.Clone(args), "--save-params", "-")...)
			if code != 0 || stderr != "" || stdout != string(a) {
				t.Errorf("--save-params -: exit %d, stderr %q, stdout\n%s\nwant\n%s", code, stderr, stdout, a)
			}
			if _, stdout, _ := mandel(t, dir, "--from", "DIR/a.png", "--save-params", "-"); stdout != string(a) {
				t.Errorf("--from a.png --save-params -:\n%s\nwant\n%s", stdout, a)
			}
		})
	}
	dir := t.TempDir()
	if code, _, stderr := mandel(t, dir, "--size", "8", "--save-params", "DIR/only.par"); code != 0 || stderr != "" {
		t.Fatalf("--save-params without OUTPUT: exit %d: %s", code, stderr)
	}
	if files := dirEntries(t, dir); !slices.Equal(files, []string{"only.par"}) {
		t.Errorf("--save-params without OUTPUT wrote %v, want only.par", files)
	}
}

// TestParamsFile reads a parameter file written by hand: comment lines,
// blank lines, spaces, keys in capitals or as the chunks name them, numbers not
// in the shortest form, and a subset of the keys.
func TestParamsFile(t *testing.T) {
	dir := t.TempDir()
	par := filepath.Join(dir, "hand.par")
	if err := os.WriteFile(par, []byte("# my favourite\n\n  VIEW = seahorse  \n  # small\nsize=30x20\nmandel:palette = fire\nscale = 0.0500\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	want := mustRender(t, dir, "DIR/a.png", "-V", "seahorse", "--size", "30x20", "-p", "fire", "--scale", "0.05")
	if got := mustRender(t, dir, "DIR/b.png", "--params", par); !bytes.Equal(got, want) {
		t.Errorf("hand-written --params: bytes differ from the command line's")
	}
	// Flags given override the file's settings.
	want = mustRender(t, dir, "DIR/c.png", "-V", "seahorse", "--size", "16x12", "-p", "ocean", "--scale", "0.05")
	if got := mustRender(t, dir, "DIR/d.png", "--params", par, "--size", "16x12", "-p", "ocean"); !bytes.Equal(got, want) {
		t.Errorf("--params with --size and -p: bytes differ from the command line's")
	}
}

// TestFromOverrides: flags given with --from win over the picture's
// settings, and --view replaces the view's settings, not only its name.
func TestFromOverrides(t *testing.T) {
	dir := t.TempDir()
	mustRender(t, dir, "DIR/a.png", "-V", "seahorse", "--size", "30x20", "-p", "fire", "--aa", "2", "-m", "400")
	for _, tc := range []struct {
		name     string
		from     []string
		direct   []string
		wantSize image.Point
	}{
		{"size", []string{"--size", "16x12"}, []string{"-V", "seahorse", "--size", "16x12", "-p", "fire", "--aa", "2", "-m", "400"}, image.Pt(16, 12)},
		{"palette and aa", []string{"-p", "GRAY", "--aa", "1"}, []string{"-V", "seahorse", "--size", "30x20", "-p", "gray", "-m", "400"}, image.Pt(30, 20)},
		{"maxiter", []string{"-m", "50"}, []string{"-V", "seahorse", "--size", "30x20", "-p", "fire", "--aa", "2", "-m", "50"}, image.Pt(30, 20)},
		// --view: the elephant's centre, scale and maxiter, the picture's
		// size, palette and aa.
		{"view", []string{"-V", "elephant"}, []string{"-V", "elephant", "--size", "30x20", "-p", "fire", "--aa", "2"}, image.Pt(30, 20)},
		{"view and maxiter", []string{"-V", "elephant", "-m", "90"}, []string{"-V", "elephant", "--size", "30x20", "-p", "fire", "--aa", "2", "-m", "90"}, image.Pt(30, 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := mustRender(t, dir, "DIR/from.png", append([]string{"--from", "DIR/a.png"}, tc.from...)...)
			want := mustRender(t, dir, "DIR/direct.png", tc.direct...)
			if !bytes.Equal(got, want) {
				t.Errorf("--from a.png %s differs from mandel %s", strings.Join(tc.from, " "), strings.Join(tc.direct, " "))
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(got))
			if err != nil || cfg.Width != tc.wantSize.X || cfg.Height != tc.wantSize.Y {
				t.Errorf("size %dx%d, %v; want %v", cfg.Width, cfg.Height, err, tc.wantSize)
			}
		})
	}
	// A shard's file renders the whole picture again.
	if code, _, stderr := mandel(t, dir, "-V", "seahorse", "--size", "30x20", "-p", "fire", "--aa", "2", "-m", "400", "--shard", "1/3", "DIR/s-%d.png"); code != 0 {
		t.Fatal(stderr)
	}
	whole, _ := os.ReadFile(filepath.Join(dir, "a.png"))
	if got := mustRender(t, dir, "DIR/w.png", "--from", "DIR/s-1.png"); !bytes.Equal(got, whole) {
		t.Errorf("--from a shard: not the whole picture's bytes")
	}
}

// TestReproduce runs the reproduce: line that -v prints and wants the same
// bytes.
func TestReproduce(t *testing.T) {
	for _, args := range roundTrips {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			code, _, stderr := mandel(t, dir, append(slices.Clone(args), "-v", "-s", "guided", "DIR/a.png")...)
			if code != 0 {
				t.Fatal(stderr)
			}
			line, _, _ := strings.Cut(stderr, "\n")
			cmd, ok := strings.CutPrefix(line, "reproduce: mandel ")
			if !ok {
				t.Fatalf("-v's first line is %q, want reproduce: mandel ...", line)
			}
			// The line names the output as given; render it elsewhere.
			fields := strings.Fields(cmd)
			if strings.ContainsAny(cmd, `'"\`) || fields[len(fields)-1] != "DIR/a.png" {
				t.Fatalf("reproduce line %q: want plain words ending in the output", line)
			}
			want, _ := os.ReadFile(filepath.Join(dir, "a.png"))
			fields[len(fields)-1] = "DIR/b.png"
			if got := mustRender(t, dir, "DIR/b.png", fields[:len(fields)-1]...); !bytes.Equal(got, want) {
				t.Errorf("mandel %s: bytes differ", cmd)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"out.png":          "out.png",
		"dir/s-%d.png":     "dir/s-%d.png",
		"--center=-0.5,0":  "--center=-0.5,0",
		"my picture.png":   "'my picture.png'",
		"it's.png":         `'it'\''s.png'`,
		"a\nb.png":         "'a\nb.png'",
		"":                 "''",
		"$(rm -rf ~).png":  "'$(rm -rf ~).png'",
		"*.png":            "'*.png'",
		"semi;colon.png":   "'semi;colon.png'",
		"back`tick`.png":   "'back`tick`.png'",
		"dollar$HOME.png":  "'dollar$HOME.png'",
		"tilde~/x.png":     "'tilde~/x.png'",
		"question?.png":    "'question?.png'",
		"ampersand&.png":   "'ampersand&.png'",
		"pipe|.png":        "'pipe|.png'",
		"redirect>.png":    "'redirect>.png'",
		"brace{a,b}.png":   "'brace{a,b}.png'",
		"bracket[ab].png":  "'bracket[ab].png'",
		"hash#.png":        "'hash#.png'",
		"excl!.png":        "'excl!.png'",
		"paren(x).png":     "'paren(x).png'",
		"quote\"x\".png":   "'quote\"x\".png'",
		"backslash\\x.png": "'backslash\\x.png'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestReproduceFormat: the reproduce: line keeps --format, which stdout
// needs, and quotes an output that a shell would split.
func TestReproduceFormat(t *testing.T) {
	code, _, stderr := mandel(t, t.TempDir(), "-v", "--size", "8", "-f", "ppm", "-")
	if line, _, _ := strings.Cut(stderr, "\n"); code != 0 || !strings.HasSuffix(line, " --format ppm -") {
		t.Errorf("exit %d, reproduce line %q, want it to end in --format ppm -", code, line)
	}
	code, _, stderr = mandel(t, t.TempDir(), "-v", "--size", "8", "DIR/my picture.png")
	if line, _, _ := strings.Cut(stderr, "\n"); code != 0 || !strings.HasSuffix(line, " 'DIR/my picture.png'") {
		t.Errorf("exit %d, reproduce line %q, want the output quoted", code, line)
	}
}

// TestFromDirectory: --from a directory fails as a file that cannot be read
// (exit 1, what failed), as --params does, not as a file that is no PNG.
func TestFromDirectory(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "--from", "DIR/", "DIR/o.png")
	if code != exitFailure || stderr != "mandel: --from: read \"DIR/\": is a directory\n" {
		t.Errorf("exit %d, %q; want 1 and the read's failure", code, stderr)
	}
}

// TestSaveParamsCheckedFirst: a --save-params path that cannot be written
// is refused before the render, as OUTPUT is; it was found after it, and
// the command failed with the image written.
func TestSaveParamsCheckedFirst(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "--size", "4", "--save-params", "DIR/missing/p.txt", "DIR/o.png")
	if code != exitFailure || !strings.HasPrefix(stderr, `mandel: --save-params: create "DIR/missing/p.txt": `) {
		t.Errorf("exit %d, %q; want 1 and the path refused", code, stderr)
	}
	if entries := dirEntries(t, dir); len(entries) != 0 {
		t.Errorf("the refused command left %q", entries)
	}
}

// TestSaveParamsLinkToOutput: --save-params through a symbolic link to
// OUTPUT, existing or not yet, is refused as OUTPUT itself is; the settings
// replaced the image.
func TestSaveParamsLinkToOutput(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("o.png", filepath.Join(dir, "link.txt")); err != nil {
		t.Skip(err)
	}
	for _, exists := range []bool{false, true} {
		if exists {
			mustRender(t, dir, "DIR/o.png", "--size", "4")
		}
		code, _, stderr := mandel(t, dir, "--size", "4", "--save-params", "DIR/link.txt", "DIR/o.png")
		if code != exitUsage || !strings.Contains(stderr, "is OUTPUT too") {
			t.Errorf("o.png exists %v: exit %d, %q; want 2, the link refused", exists, code, stderr)
		}
	}
}
