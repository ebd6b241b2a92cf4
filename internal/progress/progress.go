// Package progress keeps a status line up to date on a terminal: a line
// rewritten in place with a carriage return, at most a few times a second,
// and erased at the end so that what is printed next starts clean.
//
// A Line with a nil writer does nothing, which is how callers stay silent
// when standard error is not a terminal or the user asked for quiet.
package progress

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Every is the least time between two redraws that Due allows; fast
// updates would otherwise flood a terminal.
const Every = 100 * time.Millisecond

// Line is a status line on w. Its zero value, and a Line on a nil writer,
// do nothing. A Line is not safe for concurrent use.
type Line struct {
	w       io.Writer
	last    time.Time
	shown   bool
	lastLen int
	// Now is the clock; tests replace it.
	Now func() time.Time
}

// New returns a line on w; nil w gives a line that does nothing.
func New(w io.Writer) *Line { return &Line{w: w, Now: time.Now} }

// Active reports whether the line writes anything.
func (l *Line) Active() bool { return l != nil && l.w != nil }

// Due reports whether a redraw now would be at least Every after the last
// one (or the first).
func (l *Line) Due() bool {
	return l.Active() && (!l.shown || l.Now().Sub(l.last) >= Every)
}

// Show rewrites the line with s, padding over a longer previous one.
func (l *Line) Show(s string) {
	if !l.Active() {
		return
	}
	l.last, l.shown = l.Now(), true
	pad := max(l.lastLen-len(s), 0)
	fmt.Fprintf(l.w, "\r%s%s", s, strings.Repeat(" ", pad))
	l.lastLen = len(s)
}

// Clear erases the line, if anything is shown.
func (l *Line) Clear() {
	if !l.Active() || l.lastLen == 0 {
		return
	}
	fmt.Fprintf(l.w, "\r%s\r", strings.Repeat(" ", l.lastLen))
	l.lastLen = 0
}

// ETA is the time left to do total units when done of them took elapsed,
// at the mean rate so far, and whether there is an estimate at all (none
// before the first unit is done).
func ETA(elapsed time.Duration, done, total int64) (time.Duration, bool) {
	if done <= 0 || elapsed <= 0 {
		return 0, false
	}
	left := max(total-done, 0)
	return time.Duration(float64(elapsed) / float64(done) * float64(left)), true
}

// FormatETA rounds a duration to what a person wants to read: seconds
// under a minute, tens of seconds under an hour, minutes beyond.
func FormatETA(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(10 * time.Second).String()
	default:
		return d.Round(time.Minute).String()
	}
}

// Rows is the line of a render: rows done of total, the rate and the time
// left, after elapsed.
//
//	rows 1024/32768 (3.1%)  512 rows/s  ETA 1m0s
func Rows(done, total int64, elapsed time.Duration) string {
	pct := 0.0
	if total > 0 {
		pct = 100 * float64(done) / float64(total)
	}
	s := fmt.Sprintf("rows %d/%d (%.1f%%)", done, total, pct)
	if elapsed > 0 && done > 0 {
		s += fmt.Sprintf("  %s rows/s", rate(float64(done)/elapsed.Seconds()))
	}
	if left, ok := ETA(elapsed, done, total); ok {
		return s + "  ETA " + FormatETA(left)
	}
	return s + "  ETA --"
}

// rate writes a rate with three significant digits, at most.
func rate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	}
	return fmt.Sprintf("%.2f", r)
}
