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
	exitInterrupted = 130 // stopped by SIGINT (128 + 2)
	exitTerminated  = 143 // stopped by SIGTERM (128 + 15)
)

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		// The first signal stops the work cleanly; restoring the default
		// handling lets a second one kill a process that is slow to stop.
		signal.Stop(signals)
		cancel(signalError{sig})
	}()
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var sig signalError
	if code == exitInterrupted && errors.As(context.Cause(ctx), &sig) && sig.Signal == syscall.SIGTERM {
		code = exitTerminated
	}
	os.Exit(code)
}

// signalError is the cause of a cancellation by a signal.
type signalError struct{ os.Signal }

func (e signalError) Error() string { return "received " + e.Signal.String() }

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
// its error, is printed only with --verbose (see renderImage).
func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
