// Package kfr reads Kalles Fraktaler location files (.kfr).
//
// A .kfr file is "Key: value" lines, of which mandel reads four: Re and
// Im, the centre; Zoom, where the image's height spans 4/Zoom in the
// complex plane (KF's SetPosition sets the radius 2/Zoom, and its pixel
// spacing is twice that over the height); and Iterations, the iteration
// limit. Other keys (colours, smoothing, formula) are KF's and are
// ignored; a file whose formula is not the Mandelbrot set's (FractalType
// not 0, Power not 2) is refused. Numbers are read in mandel's decimal
// grammar (internal/decimal), so a deep location keeps every digit.
package kfr

import (
	"bufio"
	"bytes"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/internal/decimal"
)

// Location is what mandel takes from a .kfr file.
type Location struct {
	Re, Im, Zoom decimal.Number
	// Iterations is the file's iteration limit, in 1..Parse's
	// maxIterations, or 0 when it gives none.
	Iterations int
}

// MaxSize bounds a .kfr file, which is a few dozen short lines: Parse
// refuses a larger one, so a reader need read no more than one byte past
// it.
const MaxSize = 1 << 16

// Is reports whether path names a .kfr file, by its extension in any case.
func Is(path string) bool {
	i := strings.LastIndexByte(path, '.')
	return i >= 0 && !strings.ContainsRune(path[i:], '/') && strings.EqualFold(path[i:], ".kfr")
}

// Parse reads the location in the text of a .kfr file, whose Iterations
// may be at most maxIterations (render.MaxMaxIter, which the caller
// passes: internal/ imports nothing above it). Each error is one line
// that names, where there is one, the file's line.
func Parse(data []byte, maxIterations int) (*Location, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("over %d KiB, too large for a Kalles Fraktaler location", MaxSize>>10)
	}
	values := map[string]string{}
	lines := map[string]int{}
	// A Windows editor (Notepad before 2019) saves UTF-8 with a byte order
	// mark, which would make the first key "\ufeffRe" and the file "no
	// Re: line" although it has one.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), MaxSize+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("line %d: want Key: value, got %q", n, truncate(line, 40))
		}
		key = strings.TrimSpace(key)
		if _, dup := values[key]; dup {
			return nil, fmt.Errorf("line %d: %s is given twice", n, key)
		}
		values[key], lines[key] = strings.TrimSpace(value), n
	}
	l := &Location{}
	for _, f := range []struct {
		key string
		n   *decimal.Number
	}{{"Re", &l.Re}, {"Im", &l.Im}, {"Zoom", &l.Zoom}} {
		v, ok := values[f.key]
		if !ok {
			return nil, fmt.Errorf("no %s: line; a Kalles Fraktaler location has Re, Im and Zoom", f.key)
		}
		var err error
		if *f.n, err = decimal.Parse(v); err != nil {
			return nil, fmt.Errorf("line %d: %s %q: %v", lines[f.key], f.key, truncate(v, 40), err)
		}
	}
	if l.Zoom.Sign() <= 0 {
		return nil, fmt.Errorf("line %d: Zoom %s: want a positive number", lines["Zoom"], l.Zoom)
	}
	for key, want := range map[string]string{"FractalType": "0", "Power": "2"} {
		if v, ok := values[key]; ok && v != want {
			return nil, fmt.Errorf("line %d: %s %s: mandel renders the Mandelbrot set, KF's %s %s", lines[key], key, truncate(v, 20), key, want)
		}
	}
	if v, ok := values["Iterations"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxIterations {
			return nil, fmt.Errorf("line %d: Iterations %q: want an integer in 1..%d", lines["Iterations"], truncate(v, 20), maxIterations)
		}
		l.Iterations = n
	}
	return l, nil
}

// truncate shortens s for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// Scale is the width of a view of width x height pixels whose height
// spans 4/Zoom, as KF draws it: 4 width / (Zoom height), to 20
// significant digits, computed in big.Float, which rounds the same on
// every CPU. An extreme Zoom can give a scale outside the decimal
// grammar's range: that is the file's error, returned.
func (l *Location) Scale(width, height int) (decimal.Number, error) {
	const prec = 128
	s := new(big.Float).SetPrec(prec).SetInt64(4 * int64(width))
	s.Quo(s, l.Zoom.Big(prec))
	s.Quo(s, new(big.Float).SetPrec(prec).SetInt64(int64(height)))
	d, err := decimal.Parse(s.Text('e', 19))
	if err != nil {
		return decimal.Number{}, fmt.Errorf("its Zoom %s gives a scale of %s for %dx%d pixels: %w", l.Zoom, s.Text('e', 3), width, height, err)
	}
	return d, nil
}
