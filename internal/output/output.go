// Package output opens where a command's result goes, before any work:
// standard output, a character device such as /dev/null, or a file that
// appears only when complete (internal/atomicfile). It refuses, with a
// one-line reason, the destinations that would lose or garble the result:
// a terminal, a closed standard output, standard error, a write-protected
// file without force.
package output

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"golang.org/x/term"

	"github.com/mandel-project/mandel/internal/atomicfile"
	"github.com/mandel-project/mandel/internal/cli"
)

// Destination is where the result goes: standard output, a character
// device, or a file that appears only when complete.
type Destination struct {
	file   *atomicfile.File // nil for standard output or a device
	stdout io.Writer        // standard output, or the device
	dev    *os.File         // the device, closed after writing
}

// Open checks the destination path before any rendering, and creates the
// temporary file for a file path; "-" is standard output. A path that is
// standard output (/dev/stdout, /proc/self/fd/1, or a file that the shell
// opened as standard output) is written through the descriptor, as - is,
// so that mandel /dev/stdout >>log appends rather than replaces log;
// standard error is refused. (Replacing the file standard input reads is
// harmless: the reader keeps the old one; /dev/stdin itself is refused by
// atomicfile, as a descriptor.) Another character device, such as
// /dev/null, is written directly.
func Open(path string, force bool, stdout, stderr io.Writer) (*Destination, error) {
	toStdout := path == "-"
	if !toStdout {
		switch stdDescriptor(path, stdout, stderr) {
		case 1:
			toStdout = true
		case 2:
			return nil, cli.Usagef("%q is standard error, where messages go; write the image to standard output (-) instead", path)
		}
	}
	if toStdout {
		if err := checkStdout(stdout); err != nil {
			return nil, err
		}
		return &Destination{stdout: stdout}, nil
	}
	if IsCharDevice(path) {
		return openDevice(path)
	}
	f, err := atomicfile.Options{Force: force}.New(path)
	if errors.Is(err, atomicfile.ErrWriteProtected) {
		return nil, fmt.Errorf("cannot overwrite %q: write-protected (use --force)", path)
	}
	if err != nil {
		return nil, StdoutHint(err)
	}
	return &Destination{file: f}, nil
}

// StdoutHint adds to atomicfile's refusal of a pipe, a socket or a
// descriptor that "-" writes standard output, for the flags that take "-";
// other errors it returns as they are.
func StdoutHint(err error) error {
	if errors.Is(err, atomicfile.ErrNotRegular) || errors.Is(err, atomicfile.ErrDescriptor) {
		return fmt.Errorf(`%w (write to "-" for standard output)`, err)
	}
	return err
}

// IsCharDevice reports whether path is, or links to, a character device,
// such as /dev/null: mandel -f png /dev/null is the usual way to time a
// render, and renaming a file onto the device would replace its node.
func IsCharDevice(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode()&fs.ModeCharDevice != 0
}

// openDevice opens the character device at path for writing through, as
// the shell's > would, except a terminal, which binary data would garble.
func openDevice(path string) (*Destination, error) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	if term.IsTerminal(int(f.Fd())) {
		f.Close()
		return nil, cli.Usagef("%s is a terminal; not writing binary image data to it (name an OUTPUT file)", path)
	}
	return &Destination{stdout: f, dev: f}, nil
}

// stdDescriptor returns the output descriptor (1 or 2, looked for in that
// order) that is the same open file as path, or -1. Only writers that are
// *os.File have a descriptor to compare.
func stdDescriptor(path string, stdout, stderr io.Writer) int {
	fi, err := os.Stat(path)
	if err != nil {
		return -1 // a new file is no descriptor's
	}
	for _, std := range []struct {
		fd int
		w  any
	}{{1, stdout}, {2, stderr}} {
		f, ok := std.w.(*os.File)
		if !ok || f == nil {
			continue
		}
		if si, err := f.Stat(); err == nil && os.SameFile(fi, si) {
			return std.fd
		}
	}
	return -1
}

// checkStdout refuses a standard output that cannot take the image: a
// terminal, which binary data would garble, and a closed one, whose image
// would be lost.
func checkStdout(stdout io.Writer) error {
	f, ok := stdout.(*os.File)
	if !ok {
		return nil
	}
	if term.IsTerminal(int(f.Fd())) {
		return cli.Usagef("standard output is a terminal; not writing binary image data to it (redirect it: > out.ppm, or name an OUTPUT file)")
	}
	if closedStd(f) {
		return errors.New("standard output is closed; the image would be lost")
	}
	return nil
}

// File is the file being written, for its size checks and its temporary
// name, or nil for standard output or a device.
func (o *Destination) File() *atomicfile.File { return o.file }

// ErrIncomplete is wrapped, with the cause, by WriteWith's error when an
// interruption or a failure comes after part of the image went to standard
// output: a file can be left alone, but those bytes cannot be taken back.
var ErrIncomplete = errors.New("the image on standard output is incomplete")

// WriteWith writes what encode writes and, for a file, commits it. An
// interruption during the encoding, which can take seconds, stops it and
// keeps any old file.
func (o *Destination) WriteWith(ctx context.Context, encode func(io.Writer) error) error {
	if o.file == nil {
		counted := &countingWriter{w: o.stdout}
		buf := bufio.NewWriterSize(counted, 1<<16)
		err := encode(buf)
		if err != nil && o.dev == nil && counted.n > 0 && errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w: %w", ErrIncomplete, err)
		}
		if err == nil {
			if err = buf.Flush(); err != nil && o.dev == nil {
				err = fmt.Errorf("writing stdout: %w", err)
			}
		}
		if o.dev != nil {
			// A device's errors are *fs.PathErrors that name it already.
			if cerr := o.dev.Close(); err == nil {
				err = cerr
			}
			o.dev = nil
		}
		return err
	}
	return o.file.WriteWith(ctx, encode)
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Abort removes the temporary file, if it was not committed, or closes the
// device.
func (o *Destination) Abort() {
	if o.file != nil {
		o.file.Abort()
	}
	if o.dev != nil {
		o.dev.Close()
		o.dev = nil
	}
}
