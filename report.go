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

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/output"
)

// Exit codes. A stop by a signal exits 128 + the signal's number, as a
// shell reports a process killed by it: SIGHUP 129, SIGINT 130, SIGQUIT 131,
// SIGTERM 143.
const (
	exitOK          = 0
	exitFailure     = 1   // the work failed: an unwritable file, a failed task
	exitUsage       = 2   // the command line was wrong; nothing was done
	exitInterrupted = 130 // stopped by a signal; main turns it into 128 + its number
)

// report prints err as one line on stderr and returns the exit code it means.
func report(stderr io.Writer, err error) int {
	var usage cli.UsageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled) && errors.Is(err, output.ErrIncomplete):
		fmt.Fprintln(stderr, "mandel: interrupted; the image on standard output is incomplete")
		return exitInterrupted
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mandel: interrupted; no output written")
		return exitInterrupted
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "mandel: %v\n", firstLine(quotePaths(err)))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "mandel: %v\n", firstLine(quotePaths(err)))
		return exitFailure
	}
}

// quotePaths is err's message with the path of the file system error it
// wraps quoted, as mandel's own messages quote paths: a space, a newline or
// a terminal escape in a file name then shows as what it is, and the
// message stays one line.
func quotePaths(err error) string {
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = strings.Replace(msg, pe.Op+" "+pe.Path+": ", pe.Op+" "+strconv.Quote(pe.Path)+": ", 1)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		msg = strings.Replace(msg, le.Op+" "+le.Old+" "+le.New+": ", le.Op+" "+strconv.Quote(le.Old)+" "+strconv.Quote(le.New)+": ", 1)
	}
	return msg
}

// firstLine keeps error output to one line; a panic's stack trace, carried in
// its error, is printed only with --verbose (see renderImage).
func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

// plural is n and noun, with an s unless n is 1: "1 worker", "4 workers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
