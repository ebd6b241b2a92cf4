package render

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/mandel-project/mandel/internal/decimal"
)

// A palette is written as text in one grammar, which --palette, a palette
// file's stops and Palette.String share (docs/palettes.md is the user's
// description):
//
//	PALETTE  = BASE { ";" OPTION }
//	BASE     = NAME | "gradient:" STOP { "," STOP }
//	STOP     = [ POSITION "=" ] COLOUR
//	OPTION   = "density=" NUMBER | "offset=" NUMBER
//	COLOUR   = "#" 6 hex digits (red, green, blue)
//	POSITION = a decimal number in 0..1
//
// Either every stop has a position or none has; without positions the stops
// are evenly spaced, stop i of n at i/n. Positions never decrease; two stops
// at one position make a sharp edge there. The gradient is a cycle: after
// the last stop it blends back into the first, which is reached again at
// the first stop's position plus one (a stop at 1 ends the cycle there
// instead, with an edge back to the first stop's colour unless they match).

// builtins are the named palettes, in the order --help shows them, as
// gradients. Their stops are evenly spaced, so that they keep the
// arithmetic of the table of evenly spaced stops that they were before
// gradients existed, and so their bytes (see Palette.At).
var builtins = []struct{ name, gradient string }{
	{"classic", "gradient:0=#000764,0.2=#206bcb,0.4=#edffff,0.6=#ffaa00,0.8=#000200"},
	{"fire", "gradient:0=#140000,0.2=#a01400,0.4=#ff7800,0.6=#ffe678,0.8=#781400"},
	{"ocean", "gradient:0=#000a1e,0.2=#005078,0.4=#3cc8c8,0.6=#dcfffa,0.8=#0a3c6e"},
	{"twilight", "gradient:0=#1e0a3c,0.2=#8c2882,0.4=#fa8c6e,0.6=#fff0c8,0.8=#3c1e6e"},
	{"gray", "gradient:0=#000000,0.5=#ffffff"},
}

// palettes holds the builtins, parsed.
var palettes = func() []Palette {
	ps := make([]Palette, len(builtins))
	for i, b := range builtins {
		p, err := parseGradient(strings.TrimPrefix(b.gradient, gradientPrefix))
		if err != nil || p.pos != nil {
			panic(fmt.Sprintf("render: built-in palette %s: %v (or not evenly spaced)", b.name, err))
		}
		p.Name = b.name
		ps[i] = p
	}
	return ps
}()

const (
	gradientPrefix = "gradient:"
	// MaxStops is the most stops a gradient may have: more than enough
	// for any gradient drawn by hand, and a bound on what a typo or a
	// wrong file can make At search.
	MaxStops = 1024
	// MaxDensity bounds --palette-density: beyond it the colours change
	// faster than pixels near the set's edge can show.
	MaxDensity = 1e6
	// maxPaletteFile bounds what ParsePaletteFile reads.
	maxPaletteFile = 1 << 20
)

// LookupPalette returns the palette that s names or describes: a built-in
// name, or a gradient, with options (see the grammar above). Its errors are
// one line: for a bad stop they say which stop and why, for an unknown name
// they list the valid ones.
func LookupPalette(s string) (Palette, error) {
	base, opts, hasOpts := strings.Cut(s, ";")
	var p Palette
	if rest, ok := strings.CutPrefix(base, gradientPrefix); ok {
		var err error
		if p, err = parseGradient(rest); err != nil {
			return Palette{}, fmt.Errorf("palette %q: %w", s, err)
		}
	} else {
		found := false
		for _, b := range palettes {
			if b.Name == base {
				p, found = b, true
				break
			}
		}
		if !found {
			return Palette{}, fmt.Errorf("unknown palette %q (valid: %s, or gradient:POS=#RRGGBB,...)", base, strings.Join(PaletteNames(), ", "))
		}
	}
	if hasOpts {
		// A doubled option is refused, as a doubled key of --params is:
		// the last one winning would hide the typo of a hand-edited string.
		seen := map[string]bool{}
		for opt := range strings.SplitSeq(opts, ";") {
			if err := p.setOption(opt); err != nil {
				return Palette{}, fmt.Errorf("palette %q: %w", s, err)
			}
			key, _, _ := strings.Cut(opt, "=")
			if seen[key] {
				return Palette{}, fmt.Errorf("palette %q: %s is given twice", s, key)
			}
			seen[key] = true
		}
	}
	return p, nil
}

// setOption applies one "key=value" option of the grammar.
func (p *Palette) setOption(opt string) error {
	key, value, _ := strings.Cut(opt, "=")
	switch key {
	case "density":
		d, err := parseDecimal(value)
		if err != nil || !(d > 0 && d <= MaxDensity) {
			return fmt.Errorf("density %q is not a number in (0, %g]", value, float64(MaxDensity))
		}
		if d == 1 {
			d = 0 // the default, so that String and DeepEqual see one palette
		}
		p.Density = d
	case "offset":
		o, err := parseDecimal(value)
		if err != nil {
			return fmt.Errorf("offset %q is not a decimal number", value)
		}
		p.Offset = o
	default:
		return fmt.Errorf("unknown option %q (want density=D or offset=O)", opt)
	}
	return nil
}

// parseDecimal parses a finite decimal number of the command line's one
// grammar (package decimal): strconv.ParseFloat alone would take
// hexadecimal, underscores, Inf and NaN too.
func parseDecimal(s string) (float64, error) {
	n, err := decimal.Parse(s)
	if err != nil {
		return 0, errors.New("not a decimal number")
	}
	x := n.Float64()
	if math.IsInf(x, 0) {
		return 0, errors.New("not a finite decimal number")
	}
	return x, nil
}

// parseGradient parses the stops of a gradient, after "gradient:".
func parseGradient(s string) (Palette, error) {
	if strings.TrimSpace(s) == "" {
		return Palette{}, errors.New("a gradient needs at least one stop (e.g. gradient:0=#000764,0.5=#ffffff)")
	}
	var g gradientBuilder
	for i, stop := range strings.Split(s, ",") {
		if err := g.add(stop); err != nil {
			return Palette{}, fmt.Errorf("stop %d %q: %w", i+1, stop, err)
		}
	}
	return g.palette(), nil
}

// ParsePaletteFile parses a palette file, whose name is for messages: one
// stop per line, its position and its colour separated by blanks or "=";
// blank lines, lines whose first word starts with "#" but is not a colour,
// and anything after a stop that starts with "#" are comments. Positions
// are required, since a line that is only a colour reads as a comment to a
// reader's eye. Errors say the file and the line.
func ParsePaletteFile(name string, data []byte) (Palette, error) {
	if len(data) > maxPaletteFile {
		return Palette{}, fmt.Errorf("%s: over %d bytes, too large for a palette file", name, maxPaletteFile)
	}
	// Editors on Windows begin a UTF-8 file with a byte order mark, which
	// would otherwise be read as part of the first position.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var g gradientBuilder
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxPaletteFile+1)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		fields := strings.Fields(strings.Replace(text, "=", " ", 1))
		if len(fields) == 0 || (strings.HasPrefix(fields[0], "#") && !colourSyntax.MatchString(fields[0])) {
			continue
		}
		if len(fields) > 2 && !strings.HasPrefix(fields[2], "#") {
			return Palette{}, fmt.Errorf("%s:%d: %q: want POSITION #RRGGBB, then only a # comment", name, line, text)
		}
		if len(fields) < 2 {
			return Palette{}, fmt.Errorf("%s:%d: %q: want POSITION #RRGGBB (a stop needs both)", name, line, text)
		}
		if err := g.add(fields[0] + "=" + fields[1]); err != nil {
			return Palette{}, fmt.Errorf("%s:%d: %q: %w", name, line, text, err)
		}
	}
	if err := sc.Err(); err != nil {
		return Palette{}, fmt.Errorf("%s: %w", name, err)
	}
	if len(g.stops) == 0 {
		return Palette{}, fmt.Errorf("%s: no stops (want lines of POSITION #RRGGBB)", name)
	}
	return g.palette(), nil
}

// gradientBuilder collects a gradient's stops, checking each as it comes.
type gradientBuilder struct {
	stops []color.RGBA
	pos   []float64
}

var colourSyntax = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// add parses and checks one stop, "[POSITION=]#RRGGBB".
func (g *gradientBuilder) add(stop string) error {
	if len(g.stops) == MaxStops {
		return fmt.Errorf("more than %d stops", MaxStops)
	}
	posText, colour, positioned := strings.Cut(strings.TrimSpace(stop), "=")
	if !positioned {
		colour, posText = posText, ""
	}
	posText, colour = strings.TrimSpace(posText), strings.TrimSpace(colour)
	switch {
	case !colourSyntax.MatchString(colour):
		return fmt.Errorf("colour %q is not #RRGGBB (6 hex digits)", colour)
	case len(g.stops) > 0 && positioned != (g.pos != nil):
		return errors.New("give every stop a position, or none")
	}
	v, _ := strconv.ParseUint(colour[1:], 16, 32)
	c := color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 255}
	if positioned {
		x, err := parseDecimal(posText)
		if err != nil || !(x >= 0 && x <= 1) {
			return fmt.Errorf("position %q is not a decimal number in 0..1", posText)
		}
		if n := len(g.pos); n > 0 && x < g.pos[n-1] {
			return fmt.Errorf("position %s is before the previous stop's %s (positions must not decrease)", posText, formatPos(g.pos[n-1]))
		}
		if g.pos == nil {
			g.pos = make([]float64, 0, 8)
		}
		g.pos = append(g.pos, x)
	}
	g.stops = append(g.stops, c)
	return nil
}

// palette returns the gradient. Stops at i/n exactly are evenly spaced,
// whether given so or by position, and keep At's arithmetic for evenly
// spaced stops: that is how the built-ins keep their bytes.
func (g *gradientBuilder) palette() Palette {
	p := Palette{stops: g.stops, pos: g.pos}
	even := true
	for i, x := range g.pos {
		even = even && x == float64(i)/float64(len(g.pos))
	}
	if even {
		p.pos = nil
	}
	return p
}

// formatPos writes a position so that it parses back to the same float64.
func formatPos(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// String returns the palette in the grammar above, so that LookupPalette
// gives it back: the built-in's name, or its gradient, then the options
// that are not their defaults.
func (p Palette) String() string {
	if len(p.stops) == 0 {
		// It colours as classic (see Palette.At), so it is written so.
		p.Name = palettes[0].Name
	}
	var b strings.Builder
	if p.Name != "" {
		b.WriteString(p.Name)
	} else {
		b.WriteString(gradientPrefix)
		for i, c := range p.stops {
			if i > 0 {
				b.WriteByte(',')
			}
			if p.pos != nil {
				b.WriteString(formatPos(p.pos[i]) + "=")
			}
			fmt.Fprintf(&b, "#%02x%02x%02x", c.R, c.G, c.B)
		}
	}
	if p.Density != 0 && p.Density != 1 {
		b.WriteString(";density=" + formatPos(p.Density))
	}
	if p.Offset != 0 {
		b.WriteString(";offset=" + formatPos(p.Offset))
	}
	return b.String()
}

// Stops returns the gradient's colours and their positions on the cycle.
func (p Palette) Stops() ([]color.RGBA, []float64) {
	if len(p.stops) == 0 {
		p.stops, p.pos = palettes[0].stops, palettes[0].pos
	}
	pos := make([]float64, len(p.stops))
	for i := range pos {
		pos[i] = float64(i) / float64(len(p.stops))
		if p.pos != nil {
			pos[i] = p.pos[i]
		}
	}
	return append([]color.RGBA(nil), p.stops...), pos
}
