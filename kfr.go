package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/big"
	"os"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/decimal"
	"github.com/mandel-project/mandel/render"
	"github.com/mandel-project/mandel/shard"
)

// A Kalles Fraktaler location file (.kfr) is "Key: value" lines, of which
// mandel reads four: Re and Im, the centre; Zoom, where the image's
// height spans 4/Zoom in the complex plane (KF's SetPosition sets the
// radius 2/Zoom, and its pixel spacing is twice that over the height);
// and Iterations, the iteration limit. Other keys (colours, smoothing,
// formula) are KF's and are ignored; a file whose formula is not the
// Mandelbrot set's (FractalType not 0, Power not 2) is refused.

// kfrFile is what mandel takes from a .kfr file.
type kfrFile struct {
	re, im, zoom decimal.Number
	iterations   string // "" when the file has none
}

// isKFR reports whether path names a .kfr file, which --from reads as a
// Kalles Fraktaler location.
func isKFR(path string) bool {
	return strings.EqualFold(fileExt(path), ".kfr")
}

// readKFR reads the location in the .kfr file at path. Its numbers are
// read in mandel's decimal grammar; every error is one line naming the
// file and, where there is one, the line.
func readKFR(path string) (*kfrFile, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, shard.MaxParamsFile+1))
	if err != nil {
		return nil, fmt.Errorf("--from: %w", err)
	}
	bad := func(format string, args ...any) error {
		return cli.Usagef("--from %q: %s", path, fmt.Sprintf(format, args...))
	}
	if len(data) > shard.MaxParamsFile {
		return nil, bad("over %d KiB, too large for a Kalles Fraktaler location", shard.MaxParamsFile>>10)
	}
	values := map[string]string{}
	lines := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), shard.MaxParamsFile+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, bad("line %d: want Key: value, got %q", n, truncate(line, 40))
		}
		key = strings.TrimSpace(key)
		if _, dup := values[key]; dup {
			return nil, bad("line %d: %s is given twice", n, key)
		}
		values[key], lines[key] = strings.TrimSpace(value), n
	}
	k := &kfrFile{}
	for _, f := range []struct {
		key string
		n   *decimal.Number
	}{{"Re", &k.re}, {"Im", &k.im}, {"Zoom", &k.zoom}} {
		v, ok := values[f.key]
		if !ok {
			return nil, bad("no %s: line; a Kalles Fraktaler location has Re, Im and Zoom", f.key)
		}
		if *f.n, err = decimal.Parse(v); err != nil {
			return nil, bad("line %d: %s %q: %v", lines[f.key], f.key, truncate(v, 40), err)
		}
	}
	if k.zoom.Sign() <= 0 {
		return nil, bad("line %d: Zoom %s: want a positive number", lines["Zoom"], k.zoom)
	}
	for key, want := range map[string]string{"FractalType": "0", "Power": "2"} {
		if v, ok := values[key]; ok && v != want {
			return nil, bad("line %d: %s %s: mandel renders the Mandelbrot set, KF's %s %s", lines[key], key, truncate(v, 20), key, want)
		}
	}
	if v, ok := values["Iterations"]; ok {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > render.MaxMaxIter {
			return nil, bad("line %d: Iterations %q: want an integer in 1..%d", lines["Iterations"], truncate(v, 20), render.MaxMaxIter)
		}
		k.iterations = v
	}
	return k, nil
}

// truncate shortens s for a message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// kfrScale is the width of a view of width x height pixels whose height
// spans 4/zoom, as KF draws it: 4 width / (zoom height), to 20 significant
// digits, computed in big.Float, which rounds the same on every CPU.
// An extreme Zoom can give a scale outside the decimal grammar's range:
// that is the file's error, returned.
func kfrScale(zoom decimal.Number, width, height int) (decimal.Number, error) {
	const prec = 128
	s := new(big.Float).SetPrec(prec).SetInt64(4 * int64(width))
	s.Quo(s, zoom.Big(prec))
	s.Quo(s, new(big.Float).SetPrec(prec).SetInt64(int64(height)))
	d, err := decimal.Parse(s.Text('e', 19))
	if err != nil {
		return decimal.Number{}, fmt.Errorf("its Zoom %s gives a scale of %s for %dx%d pixels: %w", zoom, s.Text('e', 3), width, height, err)
	}
	return d, nil
}
