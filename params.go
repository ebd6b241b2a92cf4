package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/shard"
)

// A picture's settings travel three ways, all with the same keys: in its
// PNG's mandel:* text chunks (shard.Header writes them), in a parameter
// file of "key = value" lines (--params, --save-params), and as the
// reproduce: command line of -v. The keys are the render command's flags
// of the same name, but two: mapping, which the view implies and which is
// checked against it, and version, the release that made the picture.

// param is one setting: a key and its value, and where it was read, for
// messages ("line 3: scale", "mandel:scale").
type param struct {
	key, value string
	where      string
}

// paramKeys are the keys a parameter file may hold, in the order
// --save-params writes them.
var paramKeys = []string{"view", "size", "center", "scale", "maxiter", "escape", "mapping", "aa", "palette", "method", "reference", "reference-scale", "version"}

// viewKeys are the settings that a preset view gives: --view on the
// command line replaces them all, not only the view's name, since a
// centre from the file with the command line's preset would be neither's
// picture.
var viewKeys = map[string]bool{"view": true, "center": true, "scale": true, "maxiter": true, "escape": true, "mapping": true, "reference": true, "reference-scale": true}

// maxParamsFile bounds a parameter file: it is a dozen short lines.
const maxParamsFile = 1 << 16

// paramSource is the settings that --from or --params read.
type paramSource struct {
	flag, path string
	params     []param
	// kfrZoom is a Kalles Fraktaler location's Zoom (--from FILE.kfr),
	// which sets the scale once the size is known; nil for the others.
	kfrZoom *decimal.Number
}

// readParams reads the settings that f's --from or --params names, or
// returns nil if neither is given.
func (f *renderFlags) readParams() (*paramSource, error) {
	fromSet, paramsSet := f.fs.Changed("from"), f.fs.Changed("params")
	switch {
	case fromSet && paramsSet:
		return nil, cli.Usagef("--from and --params both give the settings; give one")
	case fromSet && isKFR(f.from):
		k, err := readKFR(f.from)
		if err != nil {
			return nil, err
		}
		src := &paramSource{flag: "--from", path: f.from, kfrZoom: &k.zoom,
			params: []param{{key: "center", value: k.re.String() + "," + k.im.String(), where: "Re, Im"}}}
		if k.iterations != "" {
			src.params = append(src.params, param{key: "maxiter", value: k.iterations, where: "Iterations"})
		}
		return src, nil
	case fromSet:
		ps, err := readPNGParams(f.from)
		return &paramSource{flag: "--from", path: f.from, params: ps}, err
	case paramsSet:
		ps, err := readParamsFile(f.params)
		return &paramSource{flag: "--params", path: f.params, params: ps}, err
	}
	return nil, nil
}

// readPNGParams reads the mandel:* text chunks of the PNG at path.
func readPNGParams(path string) ([]param, error) {
	if path == "" {
		return nil, cli.Usagef("--from is empty; give a PNG that mandel wrote")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	if err != nil {
		return nil, cli.Usagef("--from %q: %v; --from reads the settings in a PNG that mandel wrote", path, err)
	}
	var ps []param
	for _, t := range d.Info().Text {
		if key, ok := strings.CutPrefix(t.Key, shard.KeyPrefix); ok {
			// A shard's place: the file re-renders the whole picture, as
			// the shard's settings describe it (--shard renders a shard).
			if key == "shard" || key == "rows" {
				continue
			}
			ps = append(ps, param{key: key, value: t.Value, where: t.Key})
		}
	}
	if len(ps) == 0 {
		return nil, cli.Usagef("--from %q: the PNG carries no mandel:* settings; only a PNG that mandel wrote can be rendered again", path)
	}
	return ps, checkKeys("--from", path, ps)
}

// readParamsFile reads a parameter file: "key = value" lines, blank lines,
// and comment lines that begin with #. A # later in a line is the value's:
// a palette's colours are written #rrggbb.
func readParamsFile(path string) ([]param, error) {
	if path == "" {
		return nil, cli.Usagef("--params is empty; give a file of key = value lines (--save-params writes one)")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--params: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxParamsFile+1))
	if err != nil {
		return nil, fmt.Errorf("--params: %w", err)
	}
	if len(data) > maxParamsFile {
		return nil, cli.Usagef("--params %q: over %d KiB, too large for a parameter file", path, maxParamsFile>>10)
	}
	var ps []param
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		// The chunks' names work too: a file made from a PNG's text.
		key = strings.TrimPrefix(key, shard.KeyPrefix)
		if !ok || key == "" {
			return nil, cli.Usagef("--params %q: line %d: want key = value, got %q", path, n, line)
		}
		ps = append(ps, param{key: key, value: strings.TrimSpace(value), where: fmt.Sprintf("line %d: %s", n, key)})
	}
	if len(ps) == 0 {
		return nil, cli.Usagef("--params %q: no settings (want key = value lines: %s)", path, strings.Join(paramKeys, ", "))
	}
	return ps, checkKeys("--params", path, ps)
}

// checkKeys refuses unknown and doubled keys.
func checkKeys(flag, path string, ps []param) error {
	seen := map[string]bool{}
	for _, p := range ps {
		if !slices.Contains(paramKeys, p.key) {
			return cli.Usagef("%s %q: %s: %v", flag, path, p.where, cli.Unknown("setting", p.key, paramKeys))
		}
		if seen[p.key] {
			return cli.Usagef("%s %q: %s is given twice", flag, path, p.where)
		}
		seen[p.key] = true
	}
	return nil
}

// apply sets the flags that src gives and the command line does not: the
// command line's flags override the file's. It returns notes for the
// user (a picture of another release).
func (src *paramSource) apply(f *renderFlags) (notes []string, err error) {
	viewGiven := f.fs.Changed("view")
	// Before the loop, which marks the file's settings given too.
	otherView := f.fs.Changed("center") || f.fs.Changed("scale")
	for _, p := range src.params {
		switch {
		case p.key == "version":
			if p.value != version {
				notes = append(notes, fmt.Sprintf("%s %q was made by mandel %s; this is %s, whose pixels may differ", src.flag, src.path, p.value, version))
			}
			continue
		case viewGiven && viewKeys[p.key]:
			continue
		case (p.key == "reference" || p.key == "reference-scale") && otherView:
			// The file's reference point belongs to its view: a centre
			// or scale of the command line's is another view.
			continue
		case p.key == "mapping":
			f.mapping = &param{key: p.key, value: p.value, where: src.flag + " " + fmt.Sprintf("%q", src.path) + ": " + p.where}
			continue
		case f.fs.Changed(p.key):
			continue
		}
		// The flag's own Set first, for its message without pflag's
		// wrapping; fs.Set then marks the flag given.
		if err := f.fs.Lookup(p.key).Value.Set(p.value); err != nil {
			return nil, cli.Usagef("%s %q: %s %q: %v", src.flag, src.path, p.where, p.value, err)
		}
		if err := f.fs.Set(p.key, p.value); err != nil {
			return nil, cli.Usagef("%s %q: %s %q: %v", src.flag, src.path, p.where, p.value, err)
		}
	}
	if src.kfrZoom != nil && !viewGiven && !f.fs.Changed("scale") {
		f.kfrZoom = src.kfrZoom
	}
	return notes, nil
}

// pictureParams is the settings of the picture h describes, in paramKeys'
// order: those of its text chunks (shard.Header.Text), less the shard's
// place and Software.
func pictureParams(h shard.Header) []param {
	values := map[string]string{}
	for _, t := range h.Picture().Text() {
		if key, ok := strings.CutPrefix(t.Key, shard.KeyPrefix); ok {
			values[key] = t.Value
		}
	}
	var ps []param
	for _, k := range paramKeys {
		if v, ok := values[k]; ok {
			ps = append(ps, param{key: k, value: v})
		}
	}
	return ps
}

// writeParams writes the parameter file of the picture h describes.
func writeParams(w io.Writer, h shard.Header) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The settings of a picture, from mandel %s. Render it again with\n#   mandel --params FILE OUTPUT.png\n# (flags on that command line override these).\n", version)
	for _, p := range pictureParams(h) {
		fmt.Fprintf(&b, "%s = %s\n", p.key, p.value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// saveParams writes the parameter file of cfg's picture to its
// --save-params path, whole or not at all (- is standard output).
func (a *app) saveParams(ctx context.Context, cfg *renderConfig) error {
	write := func(w io.Writer) error { return writeParams(w, cfg.header) }
	if cfg.saveParams == "-" {
		return write(a.stdout)
	}
	if err := atomicfile.WriteFile(ctx, cfg.saveParams, write); err != nil {
		return fmt.Errorf("--save-params: %w", err)
	}
	return nil
}

// reproduce is a command line that renders cfg's picture again: the
// settings that decide its pixels, with the shard and the output. The
// strategy, workers and kernel are left out: they change no pixel.
func reproduce(cfg *renderConfig) string {
	args := []string{"mandel"}
	for _, p := range pictureParams(cfg.header) {
		if p.key == "version" || p.key == "mapping" {
			continue // the view implies the mapping
		}
		if strings.HasPrefix(p.value, "-") {
			args = append(args, shellQuote("--"+p.key+"="+p.value))
		} else {
			args = append(args, "--"+p.key, shellQuote(p.value))
		}
	}
	if s := cfg.shard; s != nil {
		args = append(args, "--shard", fmt.Sprintf("%d/%d", s.Index, s.Count))
	}
	if cfg.formatGiven {
		args = append(args, "--format", string(cfg.job.Format))
	}
	if cfg.userOutput != "" {
		out := cfg.userOutput
		if strings.HasPrefix(out, "-") && out != "-" {
			out = "./" + out
		}
		args = append(args, shellQuote(out))
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell, unless it needs none.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,/:=+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
