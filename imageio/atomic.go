package imageio

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"unicode/utf8"
)

// AtomicFile is a file that appears at its path only when complete: it is
// written to a temporary file in the same directory (so that the final
// rename cannot cross file systems) and renamed onto the path by Commit.
// Readers of the path therefore see either the old file or the whole new one,
// never a truncated image, even if the process is killed mid-write.
//
// The typical use is
//
//	f, err := imageio.NewAtomicFile(path)
//	if err != nil {
//		return err
//	}
//	defer f.Abort()
//	// ... write to f ...
//	return f.Commit()
//
// An AtomicFile is not safe for concurrent use.
type AtomicFile struct {
	path string
	tmp  *os.File
	w    *bufio.Writer
	done bool // Commit or Abort has run
}

// atomicBufSize is the write buffer of an AtomicFile; encoders often write
// in small pieces (headers, zlib blocks), and each os.File write is a
// system call.
const atomicBufSize = 256 << 10

// NewAtomicFile creates the temporary file for path in path's directory.
// It is meant to be called before any expensive work: a missing or
// unwritable directory, or a path that names a directory, fails here and
// not after minutes of rendering.
//
// A symbolic link at path is replaced by the new file, not followed.
func NewAtomicFile(path string) (*AtomicFile, error) {
	fail := func(err error) (*AtomicFile, error) {
		return nil, fmt.Errorf("imageio: create %s: %w", path, err)
	}
	if path == "" {
		return fail(fs.ErrInvalid)
	}
	if os.IsPathSeparator(path[len(path)-1]) {
		return fail(errors.New("is a directory"))
	}
	if fi, err := os.Lstat(path); err == nil {
		// Renaming onto a device such as /dev/stdout would replace the
		// device node, not write to it.
		switch mode := fi.Mode(); {
		case mode.IsDir():
			return fail(errors.New("is a directory"))
		case !mode.IsRegular() && mode&fs.ModeSymlink == 0:
			return fail(errors.New("not a regular file"))
		}
	}
	dir, base := filepath.Split(path)
	// Keep the temporary name within NAME_MAX even when base nearly fills it.
	if n := 64; len(base) > n {
		for n > 0 && !utf8.RuneStart(base[n]) {
			n--
		}
		base = base[:n]
	}
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(rand.Uint64(), 36))
		// Unlike os.CreateTemp's 0600, 0644 lets the umask decide, as it
		// would for os.Create.
		tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// The temporary name would only confuse; report the user's path.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fail(err)
		}
		return &AtomicFile{path: path, tmp: tmp, w: bufio.NewWriterSize(tmp, atomicBufSize)}, nil
	}
	return fail(errors.New("cannot find an unused temporary file name"))
}

// Write writes p to the temporary file, through a buffer. Errors are those
// of the underlying file.
func (f *AtomicFile) Write(p []byte) (int, error) {
	if f.done {
		return 0, fmt.Errorf("imageio: write %s: %w", f.path, fs.ErrClosed)
	}
	return f.w.Write(p)
}

// Commit flushes the buffer, syncs and closes the temporary file, and renames
// it onto the path, replacing any file there; it then syncs the directory,
// best effort, so that the rename survives a crash. If any step fails, the
// temporary file is removed and an existing file at the path is untouched.
// Commit may be called once; a second call, or one after Abort, is an error.
func (f *AtomicFile) Commit() error {
	if f.done {
		return fmt.Errorf("imageio: commit %s: %w", f.path, fs.ErrClosed)
	}
	f.done = true
	err := f.w.Flush()
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		return fmt.Errorf("imageio: commit %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort closes and removes the temporary file, leaving the path as it was.
// After Commit, or a previous Abort, it does nothing and returns nil, so that
// "defer f.Abort()" cleans up on every early return.
func (f *AtomicFile) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	cerr := f.tmp.Close()
	if err := os.Remove(f.tmp.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("imageio: abort %s: %w", f.path, err)
	}
	if cerr != nil {
		return fmt.Errorf("imageio: abort %s: %w", f.path, cerr)
	}
	return nil
}

// syncDir makes a rename in dir durable. Errors are ignored: some systems
// (Windows, some network file systems) cannot sync a directory, and the file
// itself is already complete.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// WriteFile encodes img in format f with default options and writes it
// atomically to path: on any error no file is left behind and an existing
// file at path is untouched.
func WriteFile(path string, img image.Image, f Format) error {
	if !known(f) {
		// Fail before creating anything.
		return fmt.Errorf("imageio: write %s: %w %q (valid: %s)", path, ErrUnknownFormat, f, formatList())
	}
	e := Encoder{Format: f}
	return writeFile(path, img, e.encode)
}

// writeFile is WriteFile with the encoder as a parameter, so that tests can
// make encoding fail half-way through.
func writeFile(path string, img image.Image, encode func(io.Writer, image.Image) error) error {
	af, err := NewAtomicFile(path)
	if err != nil {
		return err
	}
	defer af.Abort()
	if err := encode(af, img); err != nil {
		return fmt.Errorf("imageio: write %s: %w", path, err)
	}
	return af.Commit()
}
