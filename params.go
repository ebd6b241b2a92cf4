package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/kfr"
	"github.com/mandel-project/mandel/internal/output"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/shard"
)

// A picture's settings travel three ways, all with the same keys (the
// format is shard's: shard.ParseParams, shard.PNGParams, shard.WriteParams):
// in its PNG's mandel:* text chunks, in a parameter file of "key = value"
// lines (--params, --save-params), and as the reproduce: command line of
// -v. What follows sets the command's flags from them.

// viewKeys are the settings that a preset view gives: --view on the
// command line replaces them all, not only the view's name, since a
// centre from the file with the command line's preset would be neither's
// picture.
var viewKeys = map[string]bool{"view": true, "center": true, "scale": true, "maxiter": true, "escape": true, "mapping": true, "reference": true, "reference-scale": true}

// paramSource is the settings that --from or --params read.
type paramSource struct {
	flag, path string
	params     []shard.Param
	// location is a Kalles Fraktaler location (--from FILE.kfr), whose
	// Zoom sets the scale once the size is known; nil for the others.
	location *kfr.Location
}

// readParams reads the settings that f's --from or --params names, or
// returns nil if neither is given.
func (f *renderFlags) readParams() (*paramSource, error) {
	fromSet, paramsSet := f.fs.Changed("from"), f.fs.Changed("params")
	switch {
	case fromSet && paramsSet:
		return nil, cli.Usagef("--from and --params both give the settings; give one")
	case fromSet && kfr.Is(f.from):
		l, err := readKFR(f.from)
		if err != nil {
			return nil, err
		}
		src := &paramSource{flag: "--from", path: f.from, location: l,
			params: []shard.Param{{Key: "center", Value: l.Re.String() + "," + l.Im.String(), Where: "Re, Im"}}}
		if l.Iterations != 0 {
			src.params = append(src.params, shard.Param{Key: "maxiter", Value: strconv.Itoa(l.Iterations), Where: "Iterations"})
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
func readPNGParams(path string) ([]shard.Param, error) {
	if path == "" {
		return nil, cli.Usagef("--from is empty; give a PNG that mandel wrote")
	}
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	defer file.Close()
	d, err := imageio.NewPNGReader(file)
	var ioErr *fs.PathError
	if errors.As(err, &ioErr) {
		return nil, fmt.Errorf("--from: %w", err) // as open's errors
	}
	if err != nil {
		return nil, cli.Usagef("--from %q: %v; --from reads the settings in a PNG that mandel wrote", path, err)
	}
	ps, err := shard.PNGParams(d.Info().Text)
	if err != nil {
		return nil, cli.Usagef("--from %q: %v", path, err)
	}
	return ps, nil
}

// readKFR reads the Kalles Fraktaler location at path.
func readKFR(path string) (*kfr.Location, error) {
	return parseFile("--from", path, kfr.MaxSize, func(data []byte) (*kfr.Location, error) {
		return kfr.Parse(data, render.MaxMaxIter)
	})
}

// readParamsFile reads the parameter file at path.
func readParamsFile(path string) ([]shard.Param, error) {
	if path == "" {
		return nil, cli.Usagef("--params is empty; give a file of key = value lines (--save-params writes one)")
	}
	return parseFile("--params", path, shard.MaxParamsFile, shard.ParseParams)
}

// parseFile reads the small file at path that flag names, up to one byte
// past limit, so that parse, which may refuse a larger one, can say it is
// too large; parse's errors are the file's, usage errors that name it.
func parseFile[T any](flag, path string, limit int, parse func([]byte) (T, error)) (T, error) {
	var zero T
	file, err := os.Open(path)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", flag, err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, int64(limit)+1))
	if err != nil {
		return zero, fmt.Errorf("%s: %w", flag, err)
	}
	v, err := parse(data)
	if err != nil {
		return zero, cli.Usagef("%s %q: %v", flag, path, err)
	}
	return v, nil
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
		case p.Key == "version":
			if p.Value != version {
				notes = append(notes, fmt.Sprintf("%s %q was made by mandel %s; this is %s, whose pixels may differ", src.flag, src.path, p.Value, version))
			}
			continue
		case viewGiven && viewKeys[p.Key]:
			continue
		case (p.Key == "reference" || p.Key == "reference-scale") && otherView:
			// The file's reference point belongs to its view: a centre
			// or scale of the command line's is another view.
			continue
		case p.Key == "mapping":
			f.mapping = &shard.Param{Key: p.Key, Value: p.Value, Where: src.flag + " " + fmt.Sprintf("%q", src.path) + ": " + p.Where}
			continue
		case f.fs.Changed(p.Key):
			continue
		}
		// The flag's own Set first, for its message without pflag's
		// wrapping; fs.Set then marks the flag given.
		if err := f.fs.Lookup(p.Key).Value.Set(p.Value); err != nil {
			return nil, cli.Usagef("%s %q: %s %q: %v", src.flag, src.path, p.Where, p.Value, err)
		}
		if err := f.fs.Set(p.Key, p.Value); err != nil {
			return nil, cli.Usagef("%s %q: %s %q: %v", src.flag, src.path, p.Where, p.Value, err)
		}
	}
	if src.location != nil && !viewGiven && !f.fs.Changed("scale") {
		f.location = src.location
	}
	return notes, nil
}

// openSaveParams creates the temporary file of cfg's --save-params path
// (nil for none or -) before any rendering, as OUTPUT's is: a missing
// directory or a write-protected file is found at once, not after the
// render, with the image already in place and the command failing.
func openSaveParams(cfg *renderConfig) (*atomicfile.File, error) {
	if cfg.saveParams == "" || cfg.saveParams == "-" {
		return nil, nil
	}
	f, err := atomicfile.New(cfg.saveParams)
	if err != nil {
		return nil, fmt.Errorf("--save-params: %w", output.StdoutHint(err))
	}
	return f, nil
}

// saveParams writes the parameter file of cfg's picture to file, from
// openSaveParams, whole or not at all, or for - to standard output.
func (a *app) saveParams(ctx context.Context, cfg *renderConfig, file *atomicfile.File) error {
	write := func(w io.Writer) error { return shard.WriteParams(w, cfg.header) }
	if cfg.saveParams == "-" {
		return write(a.stdout)
	}
	if err := file.WriteWith(ctx, write); err != nil {
		return fmt.Errorf("--save-params: %w", err)
	}
	return nil
}

// reproduce is a command line that renders cfg's picture again: the
// settings that decide its pixels, with the shard and the output. The
// strategy, workers and kernel are left out: they change no pixel.
func reproduce(cfg *renderConfig) string {
	args := []string{"mandel"}
	for _, p := range shard.Params(cfg.header) {
		if p.Key == "version" || p.Key == "mapping" {
			continue // the view implies the mapping
		}
		if strings.HasPrefix(p.Value, "-") {
			args = append(args, shellQuote("--"+p.Key+"="+p.Value))
		} else {
			args = append(args, "--"+p.Key, shellQuote(p.Value))
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
