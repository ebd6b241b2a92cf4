package shard

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

// TestMain checks that no test leaves a goroutine behind: Stitch's PNG
// writer compresses on goroutines, which must be done when it returns.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testHeader is shard 2 of 3 of a view with every setting off its default.
func testHeader() Header {
	return Header{
		Version: "v1.2.3",
		View: render.View{Width: 30, Height: 10, Center: complex(-0.5, 0.25), Scale: 0.1,
			MaxIter: 300, Escape: 4, Mapping: render.Centres},
		AA: 2, Palette: "ocean", Preset: "seahorse", Index: 2, Count: 3,
	}
}

// TestHeaderText wants the keys, their order and the numbers' form that
// shard files have always had: a stitch of older shards depends on them.
func TestHeaderText(t *testing.T) {
	want := []imageio.PNGText{
		{Key: "mandel:version", Value: "v1.2.3"}, {Key: "mandel:size", Value: "30x10"},
		{Key: "mandel:center", Value: "-0.5,0.25"}, {Key: "mandel:scale", Value: "0.1"},
		{Key: "mandel:maxiter", Value: "300"}, {Key: "mandel:escape", Value: "4"},
		{Key: "mandel:mapping", Value: "centres"}, {Key: "mandel:aa", Value: "2"},
		{Key: "mandel:palette", Value: "ocean"}, {Key: "mandel:shard", Value: "2/3"},
		{Key: "mandel:rows", Value: "6-9"}, {Key: "mandel:view", Value: "seahorse"},
		{Key: "Software", Value: "mandel v1.2.3"},
	}
	if got := testHeader().Text(); !slices.Equal(got, want) {
		t.Errorf("text\n%q\nwant\n%q", got, want)
	}
	// The whole picture's: the same but the shard's place.
	picture := slices.Delete(slices.Clone(want), 9, 11)
	if got := testHeader().Picture().Text(); !slices.Equal(got, picture) {
		t.Errorf("picture text\n%q\nwant\n%q", got, picture)
	}
	if _, err := Parse(picture); !errors.Is(err, ErrNotShard) {
		t.Errorf("a whole picture's text parses as a shard's: %v", err)
	}
	h := testHeader()
	h.View.Escape, h.View.Mapping = 0, render.Corners
	text := h.Text()
	if got := text[5]; got.Value != "2" {
		t.Errorf("a zero escape is written %q, want the default radius, 2", got.Value)
	}
	if got := text[6]; got.Value != "corners" {
		t.Errorf("the corners mapping is written %q", got.Value)
	}
}

// TestHeaderRoundTrip parses what Text writes and wants the header back.
func TestHeaderRoundTrip(t *testing.T) {
	bench, _ := render.LookupPreset("benchgame")
	corners := bench.View // the one preset with the corners mapping
	corners.Escape = render.DefaultEscape
	awkward := testHeader()
	awkward.View.Center = complex(-0.7436438870371587, 0.13182590420531198)
	awkward.View.Scale = 1e-13
	awkward.View.Escape = 1e6
	for _, h := range []Header{
		testHeader(),
		awkward,
		{Version: "dev", View: corners, AA: 1, Palette: "classic", Index: 0, Count: 1},
		{Version: "", View: render.View{Width: 5, Height: 9, Scale: 3, MaxIter: 1, Escape: 2}, AA: 1, Palette: "grey", Index: 8, Count: 9},
	} {
		got, err := Parse(h.Text())
		if err != nil {
			t.Fatalf("%+v: %v", h, err)
		}
		if got != h {
			t.Errorf("parsed\n%+v\nwant\n%+v", got, h)
		}
	}
	h := testHeader()
	h.View.Escape = 0
	got, err := Parse(h.Text())
	if err != nil {
		t.Fatal(err)
	}
	if got.View.Escape != render.DefaultEscape {
		t.Errorf("a zero escape comes back as %v, want the default it was written as", got.View.Escape)
	}
}

// TestParseIgnoresOthers: chunks that are not the header's, before, among
// or after its own, change nothing.
func TestParseIgnoresOthers(t *testing.T) {
	text := testHeader().Text()
	text = slices.Insert(text, 4, imageio.PNGText{Key: "mandel:future", Value: "x"})
	text = append([]imageio.PNGText{{Key: "Software", Value: "mandel"}}, text...)
	text = append(text, imageio.PNGText{Key: "Comment", Value: "hi"})
	if got, err := Parse(text); err != nil || got != testHeader() {
		t.Errorf("got %+v, %v; want the header", got, err)
	}
}

// TestParseRefuses gives Parse headers with a key missing, doubled or
// not as Text writes it.
func TestParseRefuses(t *testing.T) {
	with := func(key, value string) []imageio.PNGText {
		text := testHeader().Text()
		for i := range text {
			if text[i].Key == key {
				text[i].Value = value
			}
		}
		return text
	}
	for _, c := range []struct {
		name string
		text []imageio.PNGText
		want string
	}{
		{"no shard", with("mandel:shard", ""), "not a mandel shard"},
		{"bad size", with("mandel:size", "30by10"), `bad mandel:size "30by10"`},
		{"signed size", with("mandel:size", "+30x10"), `bad mandel:size`},
		{"bad shard", with("mandel:shard", "2of3"), `bad mandel:shard "2of3" of a 10-row image`},
		{"shard past count", with("mandel:shard", "3/3"), `bad mandel:shard "3/3"`},
		{"more shards than rows", with("mandel:shard", "2/11"), `bad mandel:shard "2/11"`},
		{"rows not the shard's", with("mandel:rows", "7-9"), `mandel:rows "7-9", but shard 2/3 of 10 rows holds rows 6-9`},
		{"bad center", with("mandel:center", "-0.5"), `bad mandel:center "-0.5"`},
		{"bad scale", with("mandel:scale", "tiny"), `bad mandel:scale "tiny"`},
		{"bad maxiter", with("mandel:maxiter", "3e2"), `bad mandel:maxiter "3e2"`},
		{"maxiter not canonical", with("mandel:maxiter", "0300"), `bad mandel:maxiter "0300"`},
		{"scale not canonical", with("mandel:scale", "0.10"), `bad mandel:scale "0.10"`},
		{"zero escape", with("mandel:escape", "0"), `bad mandel:escape "0"`},
		{"bad mapping", with("mandel:mapping", "edges"), `bad mandel:mapping "edges"`},
		{"bad aa", with("mandel:aa", "two"), `bad mandel:aa "two"`},
		{"no palette", slices.DeleteFunc(testHeader().Text(), func(t imageio.PNGText) bool { return t.Key == "mandel:palette" }), "no mandel:palette text"},
		{"no version", testHeader().Text()[1:], "no mandel:version text"},
		{"doubled", append(testHeader().Text(), imageio.PNGText{Key: "mandel:aa", Value: "2"}), "mandel:aa given twice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.text)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one holding %q", err, c.want)
			}
			if notShard := errors.Is(err, ErrNotShard); notShard != (c.name == "no shard") {
				t.Errorf("errors.Is(%v, ErrNotShard) = %v", err, notShard)
			}
		})
	}
	if _, err := Parse(nil); !errors.Is(err, ErrNotShard) {
		t.Errorf("no text at all: %v, want ErrNotShard", err)
	}
}

// TestHeaderDeepView: a deep view's header carries its decimals whole,
// and reads back to the same view: a scale of 1e-1000 is not 0, and the
// centre keeps digits no float64 holds.
func TestHeaderDeepView(t *testing.T) {
	h := testHeader()
	re, _ := decimal.Parse("-1.74999841099374081749002483162428393452822172335808534616943930976364725846655540417646727085571962736578151132907961927190726789896685696750162524460775")
	im, _ := decimal.Parse("-0.00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001")
	scale, _ := decimal.Parse("2.5E-1000")
	h.View = h.View.WithDecimals(re, im, scale)
	text := h.Text()
	values := map[string]string{}
	for _, t := range text {
		values[t.Key] = t.Value
	}
	if want := re.String() + ",-1e-146"; values["mandel:center"] != want {
		t.Errorf("centre %q, want %q", values["mandel:center"], want)
	}
	if values["mandel:scale"] != "2.5e-1000" {
		t.Errorf("scale %q", values["mandel:scale"])
	}
	got, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if got != h {
		t.Errorf("parsed\n%+v\nwant\n%+v", got, h)
	}
}

// TestHeaderMethodAndReference: a forced method and a reference point
// are written after the palette, read back, and kept apart: shards of
// renders that differ only in them do not pass for one render's. Values
// that Text never writes (auto, a reference scale alone) are refused.
func TestHeaderMethodAndReference(t *testing.T) {
	d := func(s string) decimal.Number {
		n, err := decimal.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	h := testHeader()
	h.Method = render.MethodPerturb
	h.Reference = &render.ReferencePoint{Re: d("-0.75"), Im: d("0.1000000000000000000000001"), Scale: d("1e-30")}
	text := h.Text()
	want := []imageio.PNGText{{Key: "mandel:method", Value: "perturb"},
		{Key: "mandel:reference", Value: "-0.75,0.1000000000000000000000001"}, {Key: "mandel:reference-scale", Value: "1e-30"}}
	if got := text[9:12]; !slices.Equal(got, want) {
		t.Errorf("text after the palette %q, want %q", got, want)
	}
	got, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if got.Method != h.Method || got.Reference == nil || !slices.Equal(got.Text(), text) {
		t.Errorf("parsed %+v, want %+v", got, h)
	}
	for _, c := range []struct{ key, value string }{
		{"mandel:method", "auto"}, {"mandel:method", "fast"}, {"mandel:reference", "1"}, {"mandel:reference-scale", "-1"},
	} {
		bad := slices.Clone(text)
		for i := range bad {
			if bad[i].Key == c.key {
				bad[i].Value = c.value
			}
		}
		if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), c.key) {
			t.Errorf("%s %q: %v, want an error naming it", c.key, c.value, err)
		}
	}
	alone := slices.DeleteFunc(slices.Clone(text), func(p imageio.PNGText) bool { return p.Key == "mandel:reference" })
	if _, err := Parse(alone); err == nil {
		t.Error("a reference scale without a reference parsed")
	}
}
