package shard

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
)

// A picture's settings travel three ways, all with the same keys: in its
// PNG's mandel:* text chunks (Header.Text writes them), in a parameter
// file of "key = value" lines (mandel's --params and --save-params), and
// as the reproduce: command line of mandel -v. The keys are the text
// chunks' without "mandel:", and the render command's flags of the same
// name, but two: mapping, which the view implies, and version, the release
// that made the picture. This file reads and writes the first two; what a
// setting does to the command's flags is the command's.

// Param is one setting: a key of ParamKeys and its value, and where it was
// read, for messages ("line 3: scale", "mandel:scale").
type Param struct {
	Key, Value string
	Where      string
}

// ParamKeys are the keys a parameter file may hold, in the order
// WriteParams writes them.
var ParamKeys = []string{"view", "size", "center", "scale", "maxiter", "escape", "mapping", "aa", "palette", "method", "reference", "reference-scale", "version"}

// MaxParamsFile bounds a parameter file, which is a dozen lines;
// ParseParams refuses a longer one, so a reader need read no more than
// one byte past it. A centre may have any number of digits (the command
// line takes 128 KiB an argument), and --save-params writes it whole: the
// bound is a PNG text chunk's (imageio's maxTextChunk), so that every
// picture's settings read back.
const MaxParamsFile = 1 << 20

// PNGParams is the settings in a PNG's text chunks as Header.Text writes
// them, less a shard's place: a shard's settings are its whole picture's.
// Chunks of other programs are ignored; unknown and doubled mandel:* keys
// are errors.
func PNGParams(texts []imageio.PNGText) ([]Param, error) {
	var ps []Param
	for _, t := range texts {
		if key, ok := strings.CutPrefix(t.Key, keyPrefix); ok {
			if t.Key == keyShard || t.Key == keyRows {
				continue
			}
			ps = append(ps, Param{Key: key, Value: t.Value, Where: t.Key})
		}
	}
	if len(ps) == 0 {
		return nil, errors.New("the PNG carries no mandel:* settings; only a PNG that mandel wrote can be rendered again")
	}
	return ps, checkKeys(ps)
}

// ParseParams parses a parameter file: "key = value" lines, blank lines,
// and comment lines that begin with #. A # later in a line is the value's:
// a palette's colours are written #rrggbb. Keys are read in any case, and
// with the text chunks' "mandel:" too, so that a file made from a PNG's
// text works.
func ParseParams(data []byte) ([]Param, error) {
	if len(data) > MaxParamsFile {
		return nil, fmt.Errorf("over %d KiB, too large for a parameter file", MaxParamsFile>>10)
	}
	var ps []Param
	// A Windows editor (Notepad before 2019) saves UTF-8 with a byte order
	// mark, which would make the first key "\ufeffview", an unknown one.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	// The default 64 KiB line would stop the scan at a long centre.
	sc.Buffer(make([]byte, 0, 4096), MaxParamsFile+1)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		key = strings.ToLower(strings.TrimSpace(key))
		key = strings.TrimPrefix(key, keyPrefix)
		if !ok || key == "" {
			return nil, fmt.Errorf("line %d: want key = value, got %q", n, line)
		}
		ps = append(ps, Param{Key: key, Value: strings.TrimSpace(value), Where: fmt.Sprintf("line %d: %s", n, key)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("parameter file: %w", err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("no settings (want key = value lines: %s)", strings.Join(ParamKeys, ", "))
	}
	return ps, checkKeys(ps)
}

// checkKeys refuses unknown and doubled keys.
func checkKeys(ps []Param) error {
	seen := map[string]bool{}
	for _, p := range ps {
		if !slices.Contains(ParamKeys, p.Key) {
			return fmt.Errorf("%s: %v", p.Where, cli.Unknown("setting", p.Key, ParamKeys))
		}
		if seen[p.Key] {
			return fmt.Errorf("%s is given twice", p.Where)
		}
		seen[p.Key] = true
	}
	return nil
}

// Params is the settings of the picture h describes, in ParamKeys' order:
// those of its text chunks (Text), less the shard's place and Software.
func Params(h Header) []Param {
	values := map[string]string{}
	for _, t := range h.Picture().Text() {
		if key, ok := strings.CutPrefix(t.Key, keyPrefix); ok {
			values[key] = t.Value
		}
	}
	var ps []Param
	for _, k := range ParamKeys {
		if v, ok := values[k]; ok {
			ps = append(ps, Param{Key: k, Value: v})
		}
	}
	return ps
}

// WriteParams writes the parameter file of the picture h describes, which
// ParseParams reads back, with a comment that says how to use it.
func WriteParams(w io.Writer, h Header) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# The settings of a picture, from mandel %s. Render it again with\n#   mandel --params FILE OUTPUT.png\n# (flags on that command line override these).\n", h.Version)
	for _, p := range Params(h) {
		fmt.Fprintf(&b, "%s = %s\n", p.Key, p.Value)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
