// Command mandel renders the Mandelbrot set in parallel and measures how
// different scheduling strategies use a machine's cores.
//
// Usage:
//
//	mandel [flags] OUTPUT
//	mandel bench [flags]
//	mandel stitch -o OUTPUT.png SHARD.png...
//	mandel zoom [flags] FRAME-%05d.png
//	mandel help [COMMAND]
//	mandel completion bash|zsh
//
// Run mandel help, or mandel COMMAND --help, for the flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/cli"
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

// run is the whole command minus the process: it takes the arguments
// (without the program name), and returns the exit code. Cancelling ctx
// interrupts the work.
func (a *app) run(ctx context.Context, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "bench":
			return a.runBench(ctx, args[1:])
		case "stitch":
			return a.runStitch(ctx, args[1:])
		case "zoom":
			return a.runZoom(ctx, args[1:])
		case "help":
			return a.runHelp(args[1:])
		case "completion":
			return a.runCompletion(args[1:])
		}
	}
	return a.runRender(ctx, args)
}

// runHelp is mandel help [COMMAND]: the command's --help.
func (a *app) runHelp(args []string) int {
	if len(args) > 1 {
		return report(a.stderr, cli.Usagef("mandel help takes one command, got %d: %s", len(args), quoteAll(args)))
	}
	command := "mandel"
	if len(args) == 1 {
		command = args[0]
	}
	switch strings.ToLower(command) {
	case "mandel", "help", "render":
		f := newRenderFlags(a)
		return a.printHelp(func(w io.Writer) { printHelp(w, f.fs) })
	case "bench":
		f := newBenchFlags()
		return a.printHelp(func(w io.Writer) { printBenchHelp(w, f.fs) })
	case "stitch":
		f := newStitchFlags()
		return a.printHelp(func(w io.Writer) { printStitchHelp(w, f.fs) })
	case "zoom":
		z := newZoomFlags(a)
		return a.printHelp(func(w io.Writer) { printZoomHelp(w, z.fs) })
	case "completion":
		return a.printHelp(func(w io.Writer) {
			fmt.Fprint(w, `mandel completion prints a script that completes mandel's commands, flags,
and the names of strategies, views, palettes, kernels and formats.

Usage:
  mandel completion bash    # then: source <(mandel completion bash)
  mandel completion zsh     # then: source <(mandel completion zsh)
`)
		})
	default:
		return report(a.stderr, cli.Unknown("command", command, commands))
	}
}
