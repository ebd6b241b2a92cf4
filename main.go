// Command mandel renders the Mandelbrot set in parallel and measures how
// different scheduling strategies use a machine's cores.
//
// Usage:
//
//	mandel [flags] OUTPUT
//	mandel bench [flags]
//
// Run mandel --help for the flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // the work failed: an unwritable file, a failed task
	exitUsage       = 2   // the command line was wrong; nothing was done
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM (128 + SIGINT)
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command minus the process: it takes the arguments
// (without the program name) and writers, and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with a context whose cancellation interrupts the work.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "bench" {
		return runBench(ctx, args[1:], stdout, stderr)
	}
	return runRender(ctx, args, stdout, stderr)
}

// usageError marks errors in the command line: exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// report prints err as one line on stderr and returns the exit code it means.
func report(stderr io.Writer, err error) int {
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "mandel: interrupted; no output written")
		return exitInterrupted
	case errors.As(err, &usage):
		fmt.Fprintf(stderr, "mandel: %v\n", firstLine(err.Error()))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "mandel: %v\n", firstLine(err.Error()))
		return exitFailure
	}
}

// firstLine keeps error output to one line; a panic's stack trace, carried in
// its error, is for --verbose only.
func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
