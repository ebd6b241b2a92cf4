package shard

import (
	"slices"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

// TestParamsRoundTrip: the parameter file that WriteParams writes is the
// picture's text chunks less the shard's place and Software, in
// ParamKeys' order, and ParseParams and PNGParams read the same settings
// back from the file and from the shard's text.
func TestParamsRoundTrip(t *testing.T) {
	h := testHeader()
	var b strings.Builder
	if err := WriteParams(&b, h); err != nil {
		t.Fatal(err)
	}
	want := "# The settings of a picture, from mandel v1.2.3. Render it again with\n" +
		"#   mandel --params FILE OUTPUT.png\n# (flags on that command line override these).\n" +
		"view = seahorse\nsize = 30x10\ncenter = -0.5,0.25\nscale = 0.1\nmaxiter = 300\nescape = 4\n" +
		"mapping = centres\naa = 2\npalette = ocean\nversion = v1.2.3\n"
	if b.String() != want {
		t.Errorf("WriteParams wrote\n%s\nwant\n%s", b.String(), want)
	}
	keyValues := func(ps []Param) []string {
		var kv []string
		for _, p := range ps {
			kv = append(kv, p.Key+"="+p.Value)
		}
		return kv
	}
	params := keyValues(Params(h))
	file, err := ParseParams([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got := keyValues(file); !slices.Equal(got, params) {
		t.Errorf("ParseParams(WriteParams) = %q, want %q", got, params)
	}
	png, err := PNGParams(h.Text())
	if err != nil {
		t.Fatal(err)
	}
	got := keyValues(png)
	slices.Sort(got)
	slices.Sort(params)
	if !slices.Equal(got, params) {
		t.Errorf("PNGParams of a shard's text = %q, want the picture's %q", got, params)
	}
	if png[0].Where != "mandel:version" || file[0].Where != "line 4: view" {
		t.Errorf("where: %q and %q, want mandel:version and line 4: view", png[0].Where, file[0].Where)
	}
}

// TestParamsLongCentre: a centre of 100,000 digits, as the command line
// takes one, reads back from the file WriteParams writes; the file was
// refused as over 64 KiB, and a line over 64 KiB ended the scan unsaid.
func TestParamsLongCentre(t *testing.T) {
	h := testHeader()
	d := h.View.Decimals()
	re, err := decimal.Parse("0." + strings.Repeat("1234567890", 10000))
	if err != nil {
		t.Fatal(err)
	}
	h.View = h.View.WithDecimals(re, d.Im, d.Scale)
	var b strings.Builder
	if err := WriteParams(&b, h); err != nil {
		t.Fatal(err)
	}
	ps, err := ParseParams([]byte(b.String()))
	if err != nil {
		t.Fatalf("ParseParams of a %d-byte file: %v", b.Len(), err)
	}
	found := false
	for _, p := range ps {
		if p.Key == "center" {
			found = p.Value == re.String()+","+d.Im.String()
		}
	}
	if !found {
		t.Error("the long centre did not read back")
	}
}

// TestParamsMethodAndReference: the settings that only some pictures
// carry are written, in their place, when they are set.
func TestParamsMethodAndReference(t *testing.T) {
	h := testHeader()
	h.Method = render.MethodPerturb
	re, _ := decimal.Parse("-0.75")
	im, _ := decimal.Parse("0.1")
	scale, _ := decimal.Parse("1e-30")
	h.Reference = &render.ReferencePoint{Re: re, Im: im, Scale: scale}
	var keys []string
	for _, p := range Params(h) {
		keys = append(keys, p.Key)
	}
	want := []string{"view", "size", "center", "scale", "maxiter", "escape", "mapping", "aa", "palette", "method", "reference", "reference-scale", "version"}
	if !slices.Equal(keys, want) {
		t.Errorf("keys %q, want %q", keys, want)
	}
}

// TestParseParamsByHand reads a file written by hand: comments, blank
// lines, spaces, capitals, the chunks' names, a # in a value.
func TestParseParamsByHand(t *testing.T) {
	ps, err := ParseParams([]byte("# mine\n\n  VIEW = seahorse  \n  # small\nmandel:palette = gradient:0=#000000,1=#ffffff\nscale=0.0500\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Param{
		{Key: "view", Value: "seahorse", Where: "line 3: view"},
		{Key: "palette", Value: "gradient:0=#000000,1=#ffffff", Where: "line 5: palette"},
		{Key: "scale", Value: "0.0500", Where: "line 6: scale"},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("got %q, want %q", ps, want)
	}
}

// TestParseParamsBOM: a file a Windows editor saved as UTF-8 begins with
// a byte order mark, which is not part of its first key; and lines end in
// CRLF.
func TestParseParamsBOM(t *testing.T) {
	ps, err := ParseParams([]byte("\ufeffview = seahorse\r\nsize = 8\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Param{
		{Key: "view", Value: "seahorse", Where: "line 1: view"},
		{Key: "size", Value: "8", Where: "line 2: size"},
	}
	if !slices.Equal(ps, want) {
		t.Errorf("got %q, want %q", ps, want)
	}
}

// TestParamsRefuse: each bad file or text is one error that says where.
func TestParamsRefuse(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"no equals", "view seahorse\n", `line 1: want key = value, got "view seahorse"`},
		{"no key", " = 3\n", `line 1: want key = value, got "= 3"`},
		{"empty", "# nothing\n\n", "no settings (want key = value lines: view, size, center, "},
		{"unknown", "size = 8\nmaxiters = 3\n", `line 2: maxiters: unknown setting "maxiters": did you mean maxiter?`},
		{"twice", "size = 8\nSize = 9\n", "line 2: size is given twice"},
		{"too large", strings.Repeat("#\n", MaxParamsFile/2+1), "over 1024 KiB, too large for a parameter file"},
	} {
		_, err := ParseParams([]byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		}
	}
	for _, c := range []struct {
		name string
		text []imageio.PNGText
		want string
	}{
		{"none", []imageio.PNGText{{Key: "Software", Value: "gimp"}, {Key: "mandel:shard", Value: "0/2"}}, "the PNG carries no mandel:* settings"},
		{"unknown", []imageio.PNGText{{Key: "mandel:colour", Value: "red"}}, `mandel:colour: unknown setting "colour"`},
		{"twice", []imageio.PNGText{{Key: "mandel:aa", Value: "1"}, {Key: "mandel:aa", Value: "2"}}, "mandel:aa is given twice"},
	} {
		_, err := PNGParams(c.text)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("PNG %s: %v, want an error with %q", c.name, err, c.want)
		}
	}
}
