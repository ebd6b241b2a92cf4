package main

import (
	"io"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/internal/sysmem"
)

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
	// width is the columns that help is wrapped to.
	width func() int
	// ffmpeg is the program mandel zoom --video runs; "" is ffmpeg in
	// $PATH (tests name another).
	ffmpeg string
}

// newApp is the command on the real machine.
func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr, env: os.LookupEnv, isTerminal: isTerminal,
		availableMemory: sysmem.Available, progressDelay: time.Second,
		width: func() int { return terminalWidth(stdout) }}
}

// terminalWidth is w's width if it is a terminal, else cli.DefaultWidth.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil && width > 0 {
			return width
		}
	}
	return cli.DefaultWidth
}

// isTerminal reports whether w is a terminal, where a progress line
// rewritten in place makes sense; in a log file it would be noise.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
