// Package atomicfile writes files that appear at their path only when
// complete, so that a failed or interrupted command never leaves a truncated
// file behind or destroys the one it was replacing.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// File is a file that appears at its path only when complete: it is
// written to a temporary file in the same directory (so that the final
// rename cannot cross file systems) and renamed onto the path by Commit.
// Readers of the path therefore see either the old file or the whole new one,
// never a truncated image, even if the process is killed mid-write.
//
// The typical use is
//
//	f, err := atomicfile.New(path)
//	if err != nil {
//		return err
//	}
//	defer f.Abort()
//	// ... write to f ...
//	return f.Commit()
//
// A File is not safe for concurrent use.
type File struct {
	path   string // as given, for messages
	target string // the file that Commit replaces: path, or where it links to
	dir    string // target's directory, "" for the current one
	tmp    *os.File
	w      *bufio.Writer
	done   bool // Commit or Abort has run
}

// bufSize is the write buffer of a File; encoders often write
// in small pieces (headers, zlib blocks), and each os.File write is a
// system call.
const bufSize = 256 << 10

// maxSymlinks bounds the links followed by hand to a missing file, as the
// kernel's own limit (40 on Linux) bounds those it follows.
const maxSymlinks = 40

// ErrNotRegular refuses to write to devices, pipes and sockets: renaming onto
// /dev/stdout would replace the device node (as root), not write to it. It
// says no more: whether "-" writes standard output is the caller's to say.
var ErrNotRegular = errors.New("not a regular file")

var errIsDir = errors.New("is a directory")

// ErrDescriptor refuses /dev/fd/N and /proc/self/fd/N: such a path names an
// open file of this process, which is written through its descriptor, and
// replacing what it leads to would destroy a file the caller only meant to
// append to (mandel /dev/fd/3 3>>log).
var ErrDescriptor = errors.New("an open file descriptor, not a file")

// ErrWriteProtected is returned by New for an existing file that the caller
// may not write, unless Options.Force is set: renaming onto it would
// replace it anyway, as rm removes such a file, so New asks, as cp and rm do.
var ErrWriteProtected = errors.New("write-protected")

// ErrSticky is returned by New when the file to replace is in a sticky
// directory (such as /tmp) and belongs to another user: only its owner, the
// directory's owner or root may replace it, so Commit would fail.
var ErrSticky = errors.New("owned by another user in a sticky directory")

// Options changes how New treats the file it replaces. The zero value is
// the default.
type Options struct {
	// Force replaces a write-protected file (one whose permission bits deny
	// the caller write access) instead of returning ErrWriteProtected.
	Force bool
}

// New creates the temporary file for path in the directory of the
// file that Commit will replace (path's own, unless path is a link).
// It is meant to be called before any expensive work: a missing or
// unwritable directory, or a path that names a directory, fails here and
// not after minutes of rendering.
//
// If path is a symbolic link, the file it links to is replaced and the link
// is left alone: the temporary file goes into the target's directory and is
// renamed onto the target. A link to a file that does not exist yet creates
// that file. A link to anything but a regular file (a directory, a device
// such as /dev/stdout, a pipe) is refused, as is such a file at path itself.
//
// Replacing a file keeps its permission bits, and its owner and group
// where the caller may give them (root may; a user, a group of theirs); a
// new file gets mode 0644 less the umask. A write-protected file is refused with
// ErrWriteProtected, and a file that the kernel would not let Commit
// replace (see ErrSticky) is refused at once.
//
// Errors are *fs.PathError values naming path, never the temporary file.
func New(path string) (*File, error) {
	return Options{}.New(path)
}

// New is like the package's New with the options o.
func (o Options) New(path string) (*File, error) {
	fail := func(err error) (*File, error) {
		return nil, &fs.PathError{Op: "create", Path: path, Err: err}
	}
	if path == "" {
		return fail(fs.ErrInvalid)
	}
	if os.IsPathSeparator(path[len(path)-1]) {
		return fail(errIsDir)
	}
	target, old, err := destination(path)
	if err != nil {
		return fail(err)
	}
	if target != path {
		// Errors creating the temporary file concern the target's
		// directory, which the user may not know about.
		fail = func(err error) (*File, error) {
			return nil, &fs.PathError{Op: "create", Path: path, Err: fmt.Errorf("link to %s: %w", target, err)}
		}
	}
	// Unlike os.CreateTemp's 0600, 0644 lets the umask decide, as it would
	// for os.Create. A replacement starts with the old file's bits, which
	// the umask may narrow, and gets them exactly once created; it is
	// never, even while empty, more open than the file it replaces.
	perm := fs.FileMode(0o644)
	if old != nil {
		perm = old.Mode().Perm()
	}
	dir, base := filepath.Split(target)
	if old != nil {
		// Before the temporary file: a refusal leaves nothing behind.
		if err := checkReplace(old, dir, o.Force); err != nil {
			return fail(err)
		}
	}
	// Keep the temporary name within NAME_MAX even when base nearly fills it.
	if n := 64; len(base) > n {
		for n > 0 && !utf8.RuneStart(base[n]) {
			n--
		}
		base = base[:n]
	}
	for range 100 {
		// Not filepath.Join: cleaning "sym/../x" would name another
		// directory than the kernel resolves it to.
		name := dir + "." + base + ".tmp-" + strconv.FormatUint(rand.Uint64(), 36)
		tmp, err := pending.create(name, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			// The temporary name would only confuse; report the user's path.
			return fail(bareError(err))
		}
		if old != nil {
			// Owner first: chown may clear the set-ID bits that Chmod sets.
			keepOwner(tmp, old)
			if err := tmp.Chmod(perm); err != nil {
				tmp.Close()
				os.Remove(name)
				pending.remove(name)
				return fail(bareError(err))
			}
		}
		return &File{path: path, target: target, dir: dir, tmp: tmp, w: bufio.NewWriterSize(tmp, bufSize)}, nil
	}
	return fail(errors.New("cannot find an unused temporary file name"))
}

// destination returns the file that an File for path replaces or
// creates: path itself, or the file that the symbolic link at path leads
// to. If that file exists, old describes it; it is then a regular file.
func destination(path string) (target string, old fs.FileInfo, err error) {
	li, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil, nil // a new file; creating it reports what is missing
	}
	if err != nil {
		return "", nil, bareError(err)
	}
	if li.Mode()&fs.ModeSymlink == 0 {
		if err := checkRegular(li); err != nil {
			return "", nil, err
		}
		return path, li, nil
	}
	if fd, err := viaDescriptor(path); err != nil {
		return "", nil, err
	} else if fd {
		return "", nil, ErrDescriptor
	}
	// Stat sees what the link leads to even where the link text does not
	// name it: /dev/stdout -> /proc/self/fd/1 -> "pipe:[1234]".
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		target, err := danglingTarget(path)
		if err != nil {
			return "", nil, err
		}
		return target, nil, nil
	}
	if err != nil {
		return "", nil, bareError(err)
	}
	if err := checkRegular(fi); err != nil {
		return "", nil, err
	}
	target, err = filepath.EvalSymlinks(path)
	if err != nil {
		return "", nil, bareError(err)
	}
	// The target must be the file that Stat saw, and not itself reached
	// through a link. A link into /proc/self/fd to a deleted file fails
	// here, rather than creating "/tmp/x (deleted)".
	if ti, err := os.Lstat(target); err != nil || !os.SameFile(fi, ti) {
		return "", nil, fmt.Errorf("cannot resolve the symbolic link to %s", target)
	}
	return target, fi, nil
}

// SameTarget reports whether Files for a and b would write one file: the
// same path, or paths whose symbolic links (dangling ones too, as New
// follows them) lead to one file, existing or new. A path New would refuse
// (a directory, a descriptor) is the same only as itself.
func SameTarget(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ta, tb := resolved(a), resolved(b)
	return ta != "" && ta == tb
}

// resolved is the absolute path of the file a File for path writes, its
// directory's links resolved too; "" if New would refuse path.
func resolved(path string) string {
	target, _, err := destination(path)
	if err != nil {
		return ""
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(target))
	if err != nil {
		return ""
	}
	abs, err := filepath.Abs(filepath.Join(dir, filepath.Base(target)))
	if err != nil {
		return ""
	}
	return abs
}

// danglingTarget returns the missing file that the symbolic link at link
// leads to, perhaps through further links. Each link's text is resolved
// relative to the link's own directory, after resolving links in that
// directory's path, as the kernel would.
func danglingTarget(link string) (string, error) {
	for hop := range maxSymlinks {
		text, err := os.Readlink(link)
		if err != nil {
			return "", bareError(err)
		}
		// The messages quote the link's text, as ls -l shows it; the
		// caller names the first link.
		fail := func(err error) (string, error) {
			if hop == 0 {
				return "", fmt.Errorf("symbolic link to %s: %w", text, err)
			}
			return "", fmt.Errorf("symbolic link %s -> %s: %w", link, text, err)
		}
		dest := text
		if !filepath.IsAbs(dest) {
			dir, _ := filepath.Split(link)
			dest = dir + dest
		}
		dir, base := filepath.Split(dest)
		switch base {
		case "", ".", "..":
			return fail(errIsDir)
		}
		if dir != "" {
			// EvalSymlinks resolves ".." after following the links
			// before it, as the kernel does, unlike a lexical Clean.
			if dir, err = filepath.EvalSymlinks(dir); err != nil {
				return fail(bareError(err))
			}
		}
		target := filepath.Join(dir, base)
		fi, err := os.Lstat(target)
		if errors.Is(err, fs.ErrNotExist) {
			return target, nil
		}
		if err != nil {
			return fail(bareError(err))
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			// Created since Stat found nothing; let the caller retry.
			return fail(errors.New("the target appeared while resolving the link"))
		}
		link = target
	}
	return "", errors.New("too many levels of symbolic links")
}

// viaDescriptor reports whether following the symbolic link at link, and
// the links it leads to, passes through a descriptor link in /proc
// (/proc/PID/fd/N, which /dev/fd/N and /dev/stdout lead to). Such a link
// names an open file; its text is the file's path, so EvalSymlinks would
// find, and Commit replace, the file behind the descriptor.
func viaDescriptor(link string) (bool, error) {
	for range maxSymlinks {
		dir, _ := filepath.Split(link)
		if dir == "" {
			dir = "."
		}
		real, err := filepath.EvalSymlinks(dir)
		if err != nil {
			return false, bareError(err)
		}
		if isFDDir(real) {
			return true, nil
		}
		text, err := os.Readlink(link)
		if err != nil {
			return false, bareError(err)
		}
		if !filepath.IsAbs(text) {
			// Not filepath.Join: see New.
			text = real + string(filepath.Separator) + text
		}
		li, err := os.Lstat(text)
		if err != nil || li.Mode()&fs.ModeSymlink == 0 {
			// The end of the chain, or a link to a missing file
			// (danglingTarget resolves those).
			return false, nil
		}
		link = text
	}
	return false, nil // destination reports the loop
}

// isFDDir reports whether dir, a resolved path, is a process's (or a
// thread's) descriptor directory on Linux: /proc/PID/fd or
// /proc/PID/task/TID/fd.
func isFDDir(dir string) bool {
	rest, ok := strings.CutPrefix(filepath.ToSlash(dir), "/proc/")
	if !ok {
		return false
	}
	parts := strings.Split(rest, "/")
	return (len(parts) == 2 || len(parts) == 4 && parts[1] == "task") && parts[len(parts)-1] == "fd"
}

func checkRegular(fi fs.FileInfo) error {
	switch mode := fi.Mode(); {
	case mode.IsDir():
		return errIsDir
	case !mode.IsRegular():
		return ErrNotRegular
	}
	return nil
}

// bareError strips the *fs.PathError or *os.LinkError from err: its paths
// (a temporary name, or the path the message names already) would only
// confuse.
func bareError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Name returns the path as given to New, for messages.
func (f *File) Name() string { return f.path }

// Temp returns the temporary file, for a child process that writes the
// contents itself (mandel zoom's ffmpeg, through an inherited descriptor):
// Commit then syncs and renames what it wrote. Do not also call Write.
func (f *File) Temp() *os.File { return f.tmp }

// Write writes p to the temporary file, through a buffer. Errors are those
// of the underlying file (ENOSPC, EFBIG), as *fs.PathError values naming
// the path, not the hidden temporary file the user never asked for.
func (f *File) Write(p []byte) (int, error) {
	if f.done {
		return 0, &fs.PathError{Op: "write", Path: f.path, Err: fs.ErrClosed}
	}
	n, err := f.w.Write(p)
	if err != nil {
		err = &fs.PathError{Op: "write", Path: f.path, Err: bareError(err)}
	}
	return n, err
}

// Commit flushes the buffer, syncs and closes the temporary file, and renames
// it onto the path (or the file a symbolic link there leads to), replacing
// any file there; it then syncs the directory,
// best effort, so that the rename survives a crash. If any step fails, the
// temporary file is removed and an existing file at the path is untouched.
// Commit may be called once; a second call, or one after Abort, is an error.
func (f *File) Commit() error {
	if f.done {
		return &fs.PathError{Op: "commit", Path: f.path, Err: fs.ErrClosed}
	}
	f.done = true
	defer pending.remove(f.tmp.Name())
	err := f.w.Flush()
	if err == nil {
		err = f.tmp.Sync()
	}
	if cerr := f.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.tmp.Name(), f.target)
	}
	if err != nil {
		os.Remove(f.tmp.Name())
		// "write", not "commit": the user wrote a file, and the last of its
		// bytes failing to reach the disk is a failed write to them.
		return &fs.PathError{Op: "write", Path: f.path, Err: bareError(err)}
	}
	dir := f.dir
	if dir == "" {
		dir = "."
	}
	syncDir(dir)
	return nil
}

// Abort closes and removes the temporary file, leaving the path as it was.
// After Commit, or a previous Abort, it does nothing and returns nil, so that
// "defer f.Abort()" cleans up on every early return.
func (f *File) Abort() error {
	if f.done {
		return nil
	}
	f.done = true
	defer pending.remove(f.tmp.Name())
	cerr := f.tmp.Close()
	if err := os.Remove(f.tmp.Name()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &fs.PathError{Op: "abort", Path: f.path, Err: bareError(err)}
	}
	if cerr != nil {
		return &fs.PathError{Op: "abort", Path: f.path, Err: bareError(cerr)}
	}
	return nil
}

// pending holds the names of the temporary files of the Files that are
// neither committed nor aborted, for Cleanup.
var pending = tempSet{names: make(map[string]struct{})}

type tempSet struct {
	mu     sync.Mutex
	names  map[string]struct{}
	closed bool // by Cleanup
}

// create creates the temporary file name and records it, unless Cleanup
// has run. Both happen under the lock, so that a Cleanup from another
// goroutine cannot come between them and miss the file.
func (s *tempSet) create(name string, perm fs.FileMode) (*os.File, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errCleanedUp
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err == nil {
		s.names[name] = struct{}{}
	}
	return f, err
}

func (s *tempSet) remove(name string) {
	s.mu.Lock()
	delete(s.names, name)
	s.mu.Unlock()
}

var errCleanedUp = errors.New("the process is exiting (atomicfile.Cleanup)")

// Cleanup removes the temporary files of all Files that are neither
// committed nor aborted, leaving their paths as they were. It is meant for
// a process about to exit without returning through its deferred Aborts,
// such as on a second interrupt, and is safe to call from any goroutine,
// even while those Files are being written. Their later Commits fail, and
// so does New from then on, so that no temporary file outlives the exit.
func Cleanup() {
	pending.mu.Lock()
	defer pending.mu.Unlock()
	pending.closed = true
	for name := range pending.names {
		os.Remove(name)
		delete(pending.names, name)
	}
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
