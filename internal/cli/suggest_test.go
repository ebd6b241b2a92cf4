package cli

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"steal", "steal", 0},
		{"stael", "steal", 1}, // a swap is one edit
		{"palete", "palette", 1},
		{"seahorce", "seahorse", 1},
		{"", "abc", 3},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // optimal string alignment: no edit of a swapped pair
		{"bnech", "bench", 1},
		{"ébc", "ebc", 1}, // runes, not bytes
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Distance(tc.b, tc.a); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d (symmetric)", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestSuggest(t *testing.T) {
	strategies := []string{"serial", "rows", "bands", "cyclic", "chan", "mutex", "atomic", "guided", "steal"}
	views := []string{"full", "seahorse", "elephant", "spiral", "interior", "tophalf", "benchgame"}
	for _, tc := range []struct {
		s     string
		names []string
		want  string
	}{
		{"stael", strategies, "steal"},
		{"STEAL", strategies, "steal"},
		{"Stael", strategies, "steal"},
		{"serail", strategies, "serial"},
		{"band", strategies, "bands"}, // a prefix
		{"gu", strategies, "guided"},  // a prefix of one name
		{"magic", strategies, ""},
		{"s", strategies, ""},  // one letter begins too many, guesses nothing
		{"ch", strategies, ""}, // begins chan only, but... see below
		{"seahorce", views, "seahorse"},
		{"elefant", views, "elephant"}, // two edits in a long name
		{"atlantis", views, ""},
		{"", views, ""},
		{"x", []string{"y"}, ""}, // every one-letter name is one edit away
	} {
		want := tc.want
		if tc.s == "ch" {
			want = "chan" // the only name that begins ch
		}
		if got := Suggest(tc.s, tc.names); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.s, got, want)
		}
	}
	// A tie guesses nothing: pgn is one edit from png and from pgm.
	if got := Suggest(".pgn", []string{".png", ".pgm"}); got != "" {
		t.Errorf("Suggest(.pgn) = %q, want no guess between two", got)
	}
}

func TestUnknownAndLookup(t *testing.T) {
	names := []string{"classic", "fire", "ocean"}
	err := Unknown("palette", "fier", names)
	var usage UsageError
	if !errors.As(err, &usage) || err.Error() != `unknown palette "fier": did you mean fire? (valid: classic, fire, ocean)` {
		t.Errorf("Unknown: %v", err)
	}
	if err := Unknown("palette", "neon", names); err.Error() != `unknown palette "neon" (valid: classic, fire, ocean)` {
		t.Errorf("Unknown without a guess: %v", err)
	}
	if got, err := Lookup("palette", "FiRe", names); got != "fire" || err != nil {
		t.Errorf("Lookup(FiRe) = %q, %v; want fire", got, err)
	}
	if _, err := Lookup("palette", "fier", names); err == nil || !strings.Contains(err.Error(), "did you mean fire?") {
		t.Errorf("Lookup(fier): %v", err)
	}
}

// TestGuesses checks Parse's guesses: a misspelt long flag, with one dash
// or two, and a boolean flag given a separate true or false.
func TestGuesses(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // the error, or "" if args must parse
	}{
		{[]string{"--stratgy", "steal"}, "unknown flag: --stratgy (did you mean --strategy?)"},
		{[]string{"--verbsoe"}, "unknown flag: --verbsoe (did you mean --verbose?)"},
		{[]string{"--maxiter=5", "--strat=steal"}, "unknown flag: --strat (did you mean --strategy?)"},
		{[]string{"--colour", "red"}, "unknown flag: --colour (see cmd --help)"},
		{[]string{"--no-verbose"}, "unknown flag: --no-verbose (did you mean --verbose=false?)"},
		{[]string{"--no-strategy"}, "unknown flag: --no-strategy (see cmd --help)"},
		{[]string{"-stratgy", "steal"}, "unknown flag -stratgy (did you mean --strategy?)"},
		{[]string{"-maxitre", "5"}, "unknown flag -maxitre (did you mean --maxiter?)"},
		{[]string{"--verbose", "false", "a.png"}, "--verbose takes no separate value: write --verbose=false (--verbose alone means true)"},
		{[]string{"-v", "TRUE"}, "-v takes no separate value: write --verbose=true (--verbose alone means true)"},
		{[]string{"-list", "false"}, "-list takes no separate value: write --list=false (--list alone means true)"},

		{[]string{"--verbose=false", "a.png"}, ""},
		{[]string{"-v", "false.png"}, ""},
		{[]string{"--strategy", "false"}, ""}, // not a boolean flag: its value
		{[]string{"--", "-v", "false"}, ""},
		{[]string{"-sbands", "-w8", "-m500"}, ""}, // shorthands with values
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			err := Parse(newFlags("cmd").fs, tc.args)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tc.want != "" && (err == nil || err.Error() != tc.want):
				t.Errorf("error %v, want %q", err, tc.want)
			case tc.want != "":
				if _, usage := err.(UsageError); !usage {
					t.Errorf("%v is not a usage error", err)
				}
			}
		})
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		width    int
		want     string
	}{
		{"short lines stay", "a b\n  c  d\n", 40, "a b\n  c  d\n"},
		{"prose under its indent",
			"  one two three four five six seven eight nine ten eleven twelve\n", 40,
			"  one two three four five six seven\n  eight nine ten eleven twelve\n"},
		{"a table row under its text",
			"  -s, --strategy   scheduling strategy, one of many with long names\n", 40,
			"  -s, --strategy   scheduling strategy,\n                   one of many with long\n                   names\n"},
		{"a word longer than the room stays whole",
			"x " + strings.Repeat("y", 50) + " z\n", 40,
			"x\n" + strings.Repeat("y", 50) + "\nz\n"},
		{"no newline at the end", "aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll", 40,
			"aaa bbb ccc ddd eee fff ggg hhh iii jjj\nkkk lll\n"},
		{"narrower than 40 wraps at 40", "aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll\n", 10,
			"aaa bbb ccc ddd eee fff ggg hhh iii jjj\nkkk lll\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Wrap(tc.in, tc.width); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestWrapUsages wraps a help listing to several widths: no line is wider,
// and the words are the same, in order.
func TestWrapUsages(t *testing.T) {
	text := Usages(newFlags("cmd").fs) + strings.Repeat("word ", 40) + "\n"
	for _, width := range []int{40, 57, 80, 120} {
		got := Wrap(text, width)
		for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
			if utf8.RuneCountInString(line) > width {
				t.Errorf("width %d: line of %d: %q", width, utf8.RuneCountInString(line), line)
			}
			if strings.TrimSpace(line) == "" && line != "" {
				t.Errorf("width %d: a line of spaces", width)
			}
		}
		if strings.Join(strings.Fields(got), " ") != strings.Join(strings.Fields(text), " ") {
			t.Errorf("width %d: the words changed:\n%s", width, got)
		}
	}
}
