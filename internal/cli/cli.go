// Package cli is mandel's command-line machinery that is not about the
// Mandelbrot set: parsing a pflag.FlagSet with single-dash long flags,
// one-line usage errors that name the flag, the help listing, and flag
// values that read numbers in decimal and enforce their own ranges.
package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/pflag"
)

// UsageError marks an error in the command line, as opposed to one in the
// work: the command exits 2 for it, and has done nothing.
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// Usagef is a UsageError formatted as fmt.Errorf does.
func Usagef(format string, args ...any) error {
	return UsageError{fmt.Errorf(format, args...)}
}

// Parse parses args into fs: it refuses long flags run into their values
// (see runTogether), near misses of long flags with one dash (misspelt)
// and boolean flags given a separate true or false (boolValue), accepts
// long flags with one dash (see longForms), and turns pflag's errors into
// one-line UsageErrors, with a guess at a misspelt flag.
func Parse(fs *pflag.FlagSet, args []string) error {
	if err := runTogether(fs, args); err != nil {
		return err
	}
	if err := misspelt(fs, args); err != nil {
		return err
	}
	if err := boolValue(fs, args); err != nil {
		return err
	}
	if err := fs.Parse(longForms(fs, args)); err != nil {
		return flagError(fs, err)
	}
	return nil
}

// longForms rewrites single-dash long flags (-strategy steal, -size=64) into
// the double-dash form pflag expects, so both spellings work. Only names of
// long flags of fs are rewritten: -w8 and -s stay shorthands, a value such as
// -0.75 stays a value, and nothing after "--" is touched.
func longForms(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) > 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if len(name) > 1 && fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// runTogether refuses a single-dash argument that begins with the name of a
// long flag of two or more letters and goes on, other than with "=": -size8,
// -strategysteal. pflag would read it as a shorthand with an attached value
// (-s with "ize8") and complain about the value, not the spelling.
//
// The rule looks only at the spelling, never at whether the shorthand
// reading would be valid, so that the same argument always means the same.
// It costs little: an attached shorthand value is refused only when the
// shorthand's letter and the value spell a long name of the same set, as
// mandel bench's -o with "utdir" spells -outdir (-o utdir works).
func runTogether(fs *pflag.FlagSet, args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' || a[1] == '-' {
			continue
		}
		name, _, _ := strings.Cut(a[1:], "=")
		if fs.Lookup(name) != nil {
			continue // a long flag, for longForms
		}
		var long *pflag.Flag // the longest long name that name begins with
		fs.VisitAll(func(f *pflag.Flag) {
			if len(f.Name) > 1 && len(f.Name) < len(name) && strings.HasPrefix(name, f.Name) &&
				(long == nil || len(f.Name) > len(long.Name)) {
				long = f
			}
		})
		if long == nil {
			continue
		}
		if long.Value.Type() == "bool" {
			return Usagef("unknown flag %s (see %s --help)", a, fs.Name())
		}
		return Usagef("unknown flag %s (did you mean --%s %s?)", a, long.Name, a[1+len(long.Name):])
	}
	return nil
}

// flagError turns pflag's messages about fs into one line that names the
// flag, or points to the command's help.
func flagError(fs *pflag.FlagSet, err error) error {
	var invalid *pflag.InvalidValueError
	var outside outOfRange
	if errors.As(err, &invalid) && errors.As(err, &outside) {
		return Usagef("--%s %v", invalid.GetFlag().Name, outside)
	}
	msg := err.Error()
	if guess := unknownFlag(fs, msg); guess != "" {
		return Usagef("%s", guess)
	}
	// pflag wraps a Value's error as `invalid argument "x" for "--size" flag: why`.
	if strings.HasPrefix(msg, "invalid argument") {
		if i := strings.Index(msg, "flag: "); i >= 0 {
			head := msg[:i+len("flag")]
			why := msg[i+len("flag: "):]
			if j := strings.LastIndex(why, ": "); strings.Contains(why, "strconv.") && j >= 0 {
				why = "not a valid number (" + strings.TrimSpace(why[j+2:]) + ")"
			}
			return Usagef("%s: %s", head, why)
		}
	}
	return Usagef("%s (see %s --help)", msg, fs.Name())
}

// Usages lists fs's flags for --help, one per line. It replaces pflag's
// FlagUsages, which marks every boolean flag with "[=true|false]" and would
// repeat defaults that the usage text already explains.
func Usages(fs *pflag.FlagSet) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *pflag.Flag) {
		name := "    --" + f.Name
		if f.Shorthand != "" {
			name = "-" + f.Shorthand + ", --" + f.Name
		}
		varname, usage := pflag.UnquoteUsage(f)
		if varname != "" && f.Value.Type() != "bool" {
			name += " " + varname
		}
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "[]" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", name, usage)
	})
	tw.Flush()
	return b.String()
}
