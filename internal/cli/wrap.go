package cli

import (
	"strings"
	"unicode/utf8"
)

// DefaultWidth is the width help is wrapped to when standard output is not
// a terminal whose width is known.
const DefaultWidth = 80

// minWidth is the narrowest width Wrap wraps to: narrower, a column of
// words a few letters wide helps nobody.
const minWidth = 40

// Wrap breaks text's lines that are wider than width at spaces. A line
// continues under where its text starts: for a table row, a name and two
// or more spaces before its text (a flag and its usage), under the text;
// otherwise under the line's own indentation. A word longer than the room
// stays whole, past the width. An example command line (one that starts
// with mandel, benchstat or go) breaks with a shell continuation, " \\",
// so that it still runs when pasted.
func Wrap(text string, width int) string {
	width = max(width, minWidth)
	var b strings.Builder
	lines := strings.SplitAfter(text, "\n")
	for _, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if utf8.RuneCountInString(body) <= width {
			b.WriteString(line)
			continue
		}
		command := isCommand(body)
		if i := strings.Index(body, " # "); command && i > 0 {
			// A comment cannot continue a shell line: it goes above it.
			lead := strings.Repeat(" ", leadingSpaces(body))
			b.WriteString(Wrap(lead+strings.TrimSpace(body[i+1:])+"\n", width))
			body = strings.TrimRight(body[:i], " ")
			if utf8.RuneCountInString(body) <= width {
				b.WriteString(body + "\n")
				continue
			}
		}
		indent := hangingIndent(body)
		if indent > width/2 || command {
			indent = leadingSpaces(body) + 4
		}
		suffix := ""
		if command {
			suffix = " \\"
		}
		first := true
		for body != "" {
			room := width
			if !first {
				room = width - indent
				b.WriteString(strings.Repeat(" ", indent))
				body = strings.TrimLeft(body, " ")
			}
			head, rest := breakAt(body, room-len(suffix))
			b.WriteString(strings.TrimRight(head, " "))
			if rest != "" {
				b.WriteString(suffix)
			}
			b.WriteByte('\n')
			body, first = rest, false
		}
	}
	return b.String()
}

// breakAt splits s at the last space within room runes; failing that,
// after the last comma within them (a list: a,b,c), or at the first space
// after them, if a word is longer than the room.
func breakAt(s string, room int) (head, rest string) {
	if utf8.RuneCountInString(s) <= room {
		return s, ""
	}
	space, comma, n := -1, -1, 0
	for i, r := range s {
		if n >= room {
			break
		}
		// Not the spaces that indent the line: breaking there would
		// leave an empty line.
		switch {
		case r == ' ' && strings.TrimSpace(s[:i]) != "":
			space = i
		case r == ',':
			comma = i
		}
		n++
	}
	// The space may be the room's last column plus one: a line of
	// exactly room runes.
	if i := byteIndexOfRune(s, room); i >= 0 && s[i] == ' ' && strings.TrimSpace(s[:i]) != "" {
		space = i
	}
	switch {
	case space >= 0:
		return s[:space], s[space+1:]
	case comma >= 0:
		return s[:comma+1], s[comma+1:]
	}
	lead := len(s) - len(strings.TrimLeft(s, " "))
	i := strings.IndexByte(s[lead:], ' ')
	if i < 0 {
		return s, ""
	}
	return s[:lead+i], s[lead+i+1:]
}

// byteIndexOfRune is the byte offset of s's rune number n, or -1.
func byteIndexOfRune(s string, n int) int {
	k := 0
	for i := range s {
		if k == n {
			return i
		}
		k++
	}
	return -1
}

// hangingIndent is the column where a line's text starts: after its first
// run of two or more spaces that follows something other than spaces, or
// its own indentation if it has no such run.
func hangingIndent(line string) int {
	lead := leadingSpaces(line)
	runes := []rune(line)
	for i := lead; i+1 < len(runes); i++ {
		if runes[i] == ' ' && runes[i+1] == ' ' {
			j := i
			for j < len(runes) && runes[j] == ' ' {
				j++
			}
			if j < len(runes) {
				return j
			}
			break
		}
	}
	return lead
}

// isCommand reports whether line is an example command: a shell line a
// reader copies, which must survive wrapping.
func isCommand(line string) bool {
	t := strings.TrimLeft(line, " ")
	for _, c := range []string{"mandel ", "benchstat ", "go "} {
		if strings.HasPrefix(t, c) {
			return true
		}
	}
	return false
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
