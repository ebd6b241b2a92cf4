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
	"time"

	"golang.org/x/term"

	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/sysmem"
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
	code := newApp(os.Stdout, os.Stderr).run(ctx, os.Args[1:])
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

// app is the command with what it takes from the machine: its standard
// output and error, the environment, the terminal and the memory. Tests
// build their own.
type app struct {
	stdout, stderr io.Writer
	// env reads the environment, where a cluster task's shard is.
	env func(string) (string, bool)
	// isTerminal says whether w is a terminal, where progress lines show.
	isTerminal func(w io.Writer) bool
	// availableMemory is the bytes a render may use.
	availableMemory func() float64
	// progressDelay is how long a render runs before its progress line
	// shows: a render that is over sooner needs none.
	progressDelay time.Duration
	// stripRows, when positive, fixes the strip height (tests).
	stripRows int
}

// newApp is the command on the real machine.
func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, env: os.LookupEnv, isTerminal: isTerminal,
		availableMemory: sysmem.Available, progressDelay: time.Second}
}

// run is the whole command minus the process: it takes the arguments
// (without the program name), and returns the exit code. Cancelling ctx
// interrupts the work.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "bench" {
		return a.runBench(ctx, args[1:])
	}
	if len(args) > 0 && args[0] == "stitch" {
		return runStitch(ctx, args[1:], a.stdout, a.stderr)
	}
	return a.runRender(ctx, args)
}

// isTerminal reports whether w is a terminal, where a progress line
// rewritten in place makes sense; in a log file it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
