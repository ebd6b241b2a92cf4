package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// Suggest returns the name among names that s is most likely a misspelling
// of, or "" if none is near enough to guess: a name that s begins (at least
// two letters of it, and only one such name), or else the nearest by edit
// distance, within one edit for short names and two for names of seven
// letters or more, and no other as near. Case does not count.
func Suggest(s string, names []string) string {
	s = strings.ToLower(s)
	if s == "" {
		return ""
	}
	var prefixed []string
	for _, n := range names {
		if len(s) >= 2 && strings.HasPrefix(strings.ToLower(n), s) {
			prefixed = append(prefixed, n)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	best, bestD, tie := "", 0, false
	for _, n := range names {
		d := Distance(s, strings.ToLower(n))
		switch {
		case best == "" || d < bestD:
			best, bestD, tie = n, d, false
		case d == bestD:
			tie = true
		}
	}
	limit := 1
	if len(best) >= 7 {
		limit = 2
	}
	// A one-letter name is within one edit of every one-letter typo, which
	// guesses nothing.
	if best == "" || tie || bestD > limit || bestD >= len(best) {
		return ""
	}
	return best
}

// Distance is the optimal string alignment distance between a and b: the
// fewest insertions, deletions, substitutions and swaps of two adjacent
// letters (the commonest typo: stael for steal) that turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// d[i][j] is the distance between ra[:i] and rb[:j].
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// Unknown is the usage error for a name that is none of names: what it
// should have named (strategy, view), a guess at what was meant, and the
// valid names.
func Unknown(what, name string, names []string) error {
	valid := strings.Join(names, ", ")
	if guess := Suggest(name, names); guess != "" {
		return Usagef("unknown %s %q: did you mean %s? (valid: %s)", what, name, guess, valid)
	}
	return Usagef("unknown %s %q (valid: %s)", what, name, valid)
}

// Lookup finds name among names, in any case, and returns the name as
// names spells it; if none matches, its error is Unknown's.
func Lookup(what, name string, names []string) (string, error) {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return n, nil
		}
	}
	return "", Unknown(what, name, names)
}

// longNames is fs's long flag names of two letters or more, in order.
func longNames(fs *pflag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *pflag.Flag) {
		if len(f.Name) > 1 && !f.Hidden {
			names = append(names, f.Name)
		}
	})
	return names
}

// boolWords are the values that a boolean flag given a separate value
// (--shortcuts false) was surely meant to take.
var boolWords = []string{"true", "false"}

// boolValue refuses a boolean flag followed by true or false as a separate
// argument: pflag takes a boolean flag alone as true and the word as a
// positional argument, so --shortcuts false a.png would render with
// shortcuts to a file called false, or complain of two outputs.
func boolValue(fs *pflag.FlagSet, args []string) error {
	for i, a := range args {
		if a == "--" {
			return nil
		}
		if i+1 == len(args) || !isBoolWord(args[i+1]) || strings.Contains(a, "=") || len(a) < 2 || a[0] != '-' {
			continue
		}
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(a, "--"):
			f = fs.Lookup(a[2:])
		case len(a) == 2:
			f = fs.ShorthandLookup(a[1:])
		default:
			f = fs.Lookup(a[1:])
		}
		if f == nil || f.Value.Type() != "bool" {
			continue
		}
		v := strings.ToLower(args[i+1])
		return Usagef("%s takes no separate value: write --%s=%s (--%s alone means true)", a, f.Name, v, f.Name)
	}
	return nil
}

func isBoolWord(s string) bool {
	for _, w := range boolWords {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// misspelt refuses a single-dash argument that is a near miss of a long
// flag's name (-palete, -shortcut): pflag would read its first letter as a
// shorthand with the rest for a value, and complain, if at all, of the
// value. Only names of five letters or more one edit away count, so that
// a shorthand with an attached value (-sbands, -pfire) keeps working.
func misspelt(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 6 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if fs.Lookup(name) != nil {
			continue
		}
		for _, n := range longNames(fs) {
			if len(n) >= 5 && Distance(strings.ToLower(name), n) == 1 {
				return Usagef("unknown flag %s (did you mean --%s?)", a, n)
			}
		}
	}
	return nil
}

// unknownFlag is pflag's "unknown flag: --name" with a guess at the name
// meant, or "" when the message is another.
func unknownFlag(fs *pflag.FlagSet, msg string) string {
	arg, ok := strings.CutPrefix(msg, "unknown flag: --")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(arg, "=")
	// --no-shortcuts, as other tools spell a boolean flag's false.
	if rest, ok := strings.CutPrefix(name, "no-"); ok {
		if f := fs.Lookup(rest); f != nil && f.Value.Type() == "bool" {
			return fmt.Sprintf("unknown flag: --%s (did you mean --%s=false?)", arg, rest)
		}
	}
	if guess := Suggest(name, longNames(fs)); guess != "" {
		return fmt.Sprintf("unknown flag: --%s (did you mean --%s?)", arg, guess)
	}
	return ""
}
