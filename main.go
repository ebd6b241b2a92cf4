// Command mandel renders the Mandelbrot set in parallel and measures how
// different scheduling strategies use a machine's cores.
//
// Usage:
//
//	mandel [flags] OUTPUT
//	mandel bench [flags]
//	mandel stitch -o OUTPUT.png SHARD.png...
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

	"github.com/mandel-project/mandel/internal/atomicfile"
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

// stopSignals stop the work: the first one cleanly, through the context,
// and a second one at once. SIGQUIT is among them so that it cleans up
// rather than dumping every goroutine's stack.
var stopSignals = []os.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 2)
	for _, sig := range stopSignals {
		// nohup, and shells for background jobs, start us with SIGHUP or
		// SIGINT ignored; Notify would undo that.
		if !signal.Ignored(sig) {
			signal.Notify(signals, sig)
		}
	}
	go func() {
		sig := <-signals
		cancel(signalError{sig})
		// The work stops at its next check, which a deep row or the
		// encoder can delay; a second signal means now. The deferred
		// Aborts will not run, so the temporary files go here.
		sig = <-signals
		atomicfile.Cleanup()
		fmt.Fprintf(os.Stderr, "mandel: stopped at once by a second signal (%v)\n", sig)
		os.Exit(signalCode(sig))
	}()
	code := runContext(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var sig signalError
	if code == exitInterrupted && errors.As(context.Cause(ctx), &sig) {
		code = signalCode(sig.Signal)
	}
	os.Exit(code)
}

// signalCode is the exit code for a stop by sig: 128 + its number.
func signalCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return exitInterrupted
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
	if len(args) > 0 && args[0] == "stitch" {
		return runStitch(ctx, args[1:], stdout, stderr)
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
