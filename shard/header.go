// Package shard cuts a render into shards and puts them back together.
//
// A shard is a strip of whole rows of the image, rendered by one task of a
// cluster job and written to its own PNG; Stitch puts the shards together
// into the image that one machine would have written. Spec and Resolve say
// which shard a task renders; Header is what its file says of itself.
package shard

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
)

// The shard files carry, in tEXt chunks, everything that decides their
// pixels, so that Stitch can refuse shards of different renders:
//
//	mandel:version  the release, whose pixels may differ from another's
//	mandel:size     WxH of the whole image
//	mandel:center   RE,IM, exact decimals of any length
//	mandel:scale, mandel:maxiter, mandel:escape (the radius, default resolved)
//	mandel:mapping  centres or corners
//	mandel:aa, mandel:palette
//	mandel:method   direct or perturb, only when forced (not auto)
//	mandel:reference, mandel:reference-scale
//	                the perturbation path's reference point RE,IM and the
//	                scale its orbit is computed for, only when given
//	mandel:shard    i/n: this is shard i of n, counting from 0
//	mandel:rows     first-last: the rows of the whole image it holds, inclusive
//	mandel:view     the preset the view started from (full, seahorse, ...)
//	Software        "mandel" and the release, PNG's own keyword
//
// A whole picture carries the same chunks but mandel:shard and mandel:rows,
// so that it says how to render it again (mandel --from), and a stitch of
// shards writes the picture's, so that its bytes are a whole render's.
//
// Numbers are decimal, floats in Go's shortest form that reads back exactly;
// the centre and scale are the view's exact decimals (render.View.Exact)
// in the same form, so a deep zoom's digits survive and shards of views
// that differ in the 500th digit do not stitch.
// The strategy, workers, grain, kernel and shortcuts are left out: they do
// not change a pixel, and the same picture must be the same bytes whatever
// they are. So are the commit and the architecture, for the same reason.
// mandel:view and Software come last, after the keys that shards of
// earlier builds carried, and mandel:view may be missing, so that those
// shards still stitch.
const (
	keyPrefix  = "mandel:"
	keyVersion = keyPrefix + "version"
	keySize    = keyPrefix + "size"
	keyCenter  = keyPrefix + "center"
	keyScale   = keyPrefix + "scale"
	keyMaxIter = keyPrefix + "maxiter"
	keyEscape  = keyPrefix + "escape"
	keyMapping = keyPrefix + "mapping"
	keyAA      = keyPrefix + "aa"
	keyPalette = keyPrefix + "palette"
	keyShard   = keyPrefix + "shard"
	keyRows    = keyPrefix + "rows"
	keyView    = keyPrefix + "view"
	// KeySoftware is PNG's registered keyword for the program that wrote
	// the file.
	KeySoftware = "Software"
	// KeyPrefix begins the keys of the chunks that mandel reads back.
	KeyPrefix = keyPrefix
)

// The keys that only pictures made with --method or --reference carry.
const (
	keyMethod   = keyPrefix + "method"
	keyRef      = keyPrefix + "reference"
	keyRefScale = keyPrefix + "reference-scale"
)

// Header is what a shard's file says of itself: every setting that changes
// a pixel, and which shard of the image it is.
type Header struct {
	// Version is the release that rendered the shard: another release's
	// pixels may differ.
	Version string
	// View is the whole image's view. Text writes its escape radius
	// resolved, so Parse gives render.DefaultEscape for a zero Escape.
	View render.View
	// AA is the antialiasing factor and Palette the palette's name.
	AA      int
	Palette string
	// Preset is the name of the preset view that View started from; it
	// decides nothing that View does not say, but a reader sees where the
	// picture is. Shards of earlier builds have none.
	Preset string
	// Method is the method forced by --method; MethodAuto, the default,
	// is not written, so that pictures made without --method keep the
	// bytes of earlier builds.
	Method render.Method
	// Reference is --reference (and --reference-scale), or nil.
	Reference *render.ReferencePoint
	// Index and Count say that this is shard Index of Count, from 0. A
	// Count of 0 is a whole picture, not a shard.
	Index, Count int
}

// Rows returns the rows [lo, hi) of the whole image that the shard holds.
// They are render.ShardRows', so that the shards of one render, one per
// index, cover the image in order.
func (h Header) Rows() (lo, hi int) {
	return render.ShardRows(h.View.Height, h.Index, h.Count)
}

// Text is the header as the tEXt chunks of the shard's PNG: the view's,
// then which shard it is and its rows, then the preset and the program.
// With Count 0 it is a whole picture's: the same but the shard's place.
func (h Header) Text() []imageio.PNGText {
	text := h.viewText()
	if h.Count > 0 {
		lo, hi := h.Rows()
		text = append(text,
			imageio.PNGText{Key: keyShard, Value: fmt.Sprintf("%d/%d", h.Index, h.Count)},
			imageio.PNGText{Key: keyRows, Value: fmt.Sprintf("%d-%d", lo, hi-1)})
	}
	if h.Preset != "" {
		text = append(text, imageio.PNGText{Key: keyView, Value: h.Preset})
	}
	return append(text, imageio.PNGText{Key: KeySoftware, Value: "mandel " + h.Version})
}

// Picture is the header of the whole picture that the shard is part of.
func (h Header) Picture() Header {
	h.Index, h.Count = 0, 0
	return h
}

// viewText is the tEXt that says which image a shard is part of: the part
// of the header that the shards of one render share.
func (h Header) viewText() []imageio.PNGText {
	v := h.View
	d := v.Decimals()
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	escape := v.Escape
	if escape == 0 {
		escape = render.DefaultEscape
	}
	mapping := "centres"
	if v.Mapping == render.Corners {
		mapping = "corners"
	}
	text := []imageio.PNGText{
		{Key: keyVersion, Value: h.Version},
		{Key: keySize, Value: fmt.Sprintf("%dx%d", v.Width, v.Height)},
		{Key: keyCenter, Value: d.Re.String() + "," + d.Im.String()},
		{Key: keyScale, Value: d.Scale.String()},
		{Key: keyMaxIter, Value: strconv.Itoa(v.MaxIter)},
		{Key: keyEscape, Value: f(escape)},
		{Key: keyMapping, Value: mapping},
		{Key: keyAA, Value: strconv.Itoa(h.AA)},
		{Key: keyPalette, Value: h.Palette},
	}
	if h.Method != render.MethodAuto {
		text = append(text, imageio.PNGText{Key: keyMethod, Value: h.Method.String()})
	}
	if r := h.Reference; r != nil {
		text = append(text, imageio.PNGText{Key: keyRef, Value: r.Re.String() + "," + r.Im.String()})
		if !r.Scale.IsZero() {
			text = append(text, imageio.PNGText{Key: keyRefScale, Value: r.Scale.String()})
		}
	}
	return text
}

// ErrNotShard is wrapped by the error of Parse and Read for a PNG with no
// shard header at all.
var ErrNotShard = errors.New("not a mandel shard")

// Parse reads a header back from the tEXt chunks that Text wrote; other
// chunks, mandel: or not, are ignored. Every value must be as Text writes
// it, so that Parse accepts exactly the headers that Text writes.
func Parse(texts []imageio.PNGText) (Header, error) {
	values := map[string]string{}
	for _, t := range texts {
		if !strings.HasPrefix(t.Key, keyPrefix) {
			continue
		}
		if _, dup := values[t.Key]; dup {
			return Header{}, fmt.Errorf("%s given twice", t.Key)
		}
		values[t.Key] = t.Value
	}
	shard, ok := values[keyShard]
	if !ok || shard == "" {
		return Header{}, fmt.Errorf("%w (no %s text; render shards with mandel --shard i/n)", ErrNotShard, keyShard)
	}
	var h Header
	size := values[keySize]
	w, ht, ok := parsePair(size, "x")
	// Within what a render may be: the shard count is at most the height,
	// and ReadSet keeps an entry per shard.
	if !ok || w < 1 || ht < 1 || w > render.MaxSide || ht > render.MaxSide {
		return Header{}, fmt.Errorf("bad %s %q", keySize, size)
	}
	h.View.Width, h.View.Height = w, ht
	if h.Index, h.Count, ok = parsePair(shard, "/"); !ok || render.CheckShard(ht, h.Index, h.Count) != nil {
		return Header{}, fmt.Errorf("bad %s %q of a %d-row image", keyShard, shard, ht)
	}
	lo, hi := h.Rows()
	if rows, want := values[keyRows], fmt.Sprintf("%d-%d", lo, hi-1); rows != want {
		return Header{}, fmt.Errorf("%s %q, but shard %s of %d rows holds rows %s", keyRows, rows, shard, ht, want)
	}
	if err := h.parseView(values); err != nil {
		return Header{}, err
	}
	// The canonical form: a value that parses but that Text would write
	// otherwise (0300, 2.50) is not Text's.
	for _, t := range h.viewText() {
		if values[t.Key] != t.Value {
			return Header{}, fmt.Errorf("bad %s %q", t.Key, values[t.Key])
		}
	}
	return h, nil
}

// parseView parses the view's keys but the size into h.
func (h *Header) parseView(values map[string]string) error {
	for _, key := range []string{keyVersion, keyCenter, keyScale, keyMaxIter, keyEscape, keyMapping, keyAA, keyPalette} {
		if _, ok := values[key]; !ok {
			return fmt.Errorf("no %s text", key)
		}
	}
	h.Version, h.Palette, h.Preset = values[keyVersion], values[keyPalette], values[keyView]
	v := &h.View
	bad := func(key string) error { return fmt.Errorf("bad %s %q", key, values[key]) }
	re, im, ok := strings.Cut(values[keyCenter], ",")
	r, errR := decimal.Parse(re)
	i, errI := decimal.Parse(im)
	if !ok || errR != nil || errI != nil {
		return bad(keyCenter)
	}
	scale, err := decimal.Parse(values[keyScale])
	if err != nil || scale.Sign() <= 0 {
		return bad(keyScale)
	}
	*v = v.WithDecimals(r, i, scale)
	if v.MaxIter, err = strconv.Atoi(values[keyMaxIter]); err != nil {
		return bad(keyMaxIter)
	}
	if v.Escape, err = strconv.ParseFloat(values[keyEscape], 64); err != nil {
		return bad(keyEscape)
	}
	switch values[keyMapping] {
	case "centres":
		v.Mapping = render.Centres
	case "corners":
		v.Mapping = render.Corners
	default:
		return bad(keyMapping)
	}
	if h.AA, err = strconv.Atoi(values[keyAA]); err != nil {
		return bad(keyAA)
	}
	if m, ok := values[keyMethod]; ok {
		// auto is the default, which Text leaves out.
		if h.Method, err = render.ParseMethod(m); err != nil || h.Method == render.MethodAuto {
			return bad(keyMethod)
		}
	}
	ref, refOK := values[keyRef]
	refScale, scaleOK := values[keyRefScale]
	switch {
	case refOK:
		re, im, ok := strings.Cut(ref, ",")
		r, errR := decimal.Parse(re)
		i, errI := decimal.Parse(im)
		if !ok || errR != nil || errI != nil {
			return bad(keyRef)
		}
		h.Reference = &render.ReferencePoint{Re: r, Im: i}
		if scaleOK {
			if h.Reference.Scale, err = decimal.Parse(refScale); err != nil || h.Reference.Scale.Sign() <= 0 {
				return bad(keyRefScale)
			}
		}
	case scaleOK:
		return fmt.Errorf("%s without %s", keyRefScale, keyRef)
	}
	return nil
}

// parsePair parses two decimal numbers, without signs, joined by sep:
// i/n, WxH.
func parsePair(v, sep string) (a, b int, ok bool) {
	as, bs, found := strings.Cut(v, sep)
	a, errA := strconv.Atoi(as)
	b, errB := strconv.Atoi(bs)
	return a, b, found && errA == nil && errB == nil && !strings.HasPrefix(as, "+") && !strings.HasPrefix(bs, "+")
}

// readFile reads what a shard file says before its rows.
func readFile(path string) (File, error) {
	file, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	if err != nil {
		return File{}, fmt.Errorf("%q: %w", path, err)
	}
	f := File{Path: path, info: d.Info()}
	f.Header, err = Parse(f.info.Text)
	if errors.Is(err, ErrNotShard) {
		// The text may follow the image data, where a tool that re-saved
		// the shard put it. f.info keeps what precedes it, which
		// copyShard compares.
		after, terr := trailingText(path)
		if terr != nil {
			return File{}, fmt.Errorf("%q: %w", path, terr)
		}
		if len(after) > 0 {
			f.Header, err = Parse(append(slices.Clone(f.info.Text), after...))
		}
	}
	if err != nil {
		return File{}, fmt.Errorf("%q: %w", path, err)
	}
	w, h := f.Header.View.Width, f.Header.View.Height
	if lo, hi := f.Header.Rows(); f.info.Width != w || f.info.Height != hi-lo {
		return File{}, fmt.Errorf("%q: a %dx%d PNG cannot be rows %d-%d of a %dx%d image", path, f.info.Width, f.info.Height, lo, hi-1, w, h)
	}
	return f, nil
}
