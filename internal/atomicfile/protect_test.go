package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWriteProtected checks that a file its owner made read-only is
// refused, untouched and with nothing left behind, unless forced; forced,
// it is replaced and stays read-only.
func TestWriteProtected(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	for _, perm := range []fs.FileMode{0o444, 0o400, 0o555, 0} {
		t.Run(perm.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.png")
			if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, perm); err != nil {
				t.Fatal(err)
			}
			f, err := New(path)
			if err == nil {
				f.Abort()
				t.Fatal("New: no error")
			}
			if !errors.Is(err, ErrWriteProtected) {
				t.Errorf("error %v, want ErrWriteProtected", err)
			}
			if want := "create " + path + ": write-protected"; err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
			wantEntries(t, dir, "out.png")
			wantContent(t, path, "precious")

			commitWith(t, Options{Force: true}, path, "new", dir)
			wantContent(t, path, "new")
			if fi, err := os.Stat(path); err != nil || fi.Mode() != perm {
				t.Errorf("mode after a forced replace: %v (%v), want %v", fi.Mode(), err, perm)
			}
		})
	}
	// Through a link, the target's bits count.
	dir, real, links := linkDirs(t)
	target := filepath.Join(real, "target.png")
	if err := os.Chmod(target, 0o444); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(links, "link.png")
	symlink(t, "../real/target.png", link)
	if f, err := New(link); !errors.Is(err, ErrWriteProtected) {
		if err == nil {
			f.Abort()
		}
		t.Errorf("New through a link to a 0444 file: %v, want ErrWriteProtected", err)
	}
	wantContent(t, target, "old")
	wantEntries(t, real, "target.png")
	wantEntries(t, dir, "links", "real")
}

// TestFileDescriptorPath checks that /dev/fd/N and /proc/self/fd/N, which
// lead to an open file's own path, are refused rather than followed: the
// rename would replace the file that a shell opened for appending
// (mandel /dev/fd/3 3>>log.txt).
func TestFileDescriptorPath(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "log.txt")
	if err := os.WriteFile(log, []byte("log\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fd, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fd.Close()
	for _, path := range []string{
		fmt.Sprintf("/dev/fd/%d", fd.Fd()),
		fmt.Sprintf("/proc/self/fd/%d", fd.Fd()),
		fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), fd.Fd()),
	} {
		t.Run(path, func(t *testing.T) {
			if fi, err := os.Stat(path); err != nil || !os.SameFile(fi, mustStat(t, log)) {
				t.Skipf("%s does not lead to the open file here (%v)", path, err)
			}
			f, err := New(path)
			if err == nil {
				io.WriteString(f, "new")
				f.Commit()
				t.Fatalf("New(%s): no error", path)
			}
			if want := "create " + path + ": an open file descriptor"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q, want it to start %q", err, want)
			}
			wantContent(t, log, "log\n")
			wantEntries(t, dir, "log.txt")
		})
	}
}

func mustStat(t *testing.T, path string) fs.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// TestCleanup checks that Cleanup removes the temporary files of pending
// Files, and only those, leaving the paths as they were.
func TestCleanup(t *testing.T) {
	dir := t.TempDir()
	existing := filepath.Join(dir, "existing.png")
	if err := os.WriteFile(existing, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(dir, "committed.png")
	commitString(t, committed, "done", dir)
	f1, err := New(existing)
	if err != nil {
		t.Fatal(err)
	}
	f2, err := New(filepath.Join(dir, "new.png"))
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f1, "partial")
	if got := entries(t, dir); len(got) != 4 {
		t.Fatalf("before Cleanup the directory holds %q, want two files and two temporary ones", got)
	}
	// Cleanup is for a process about to exit: other tests need New back.
	t.Cleanup(func() {
		pending.mu.Lock()
		pending.closed = false
		pending.mu.Unlock()
	})
	Cleanup()
	if f, err := New(filepath.Join(dir, "late.png")); err == nil {
		f.Abort()
		t.Error("New after Cleanup: no error")
	}
	wantEntries(t, dir, "committed.png", "existing.png")
	wantContent(t, existing, "precious")
	if err := f1.Commit(); err == nil {
		t.Error("Commit after Cleanup: no error")
	}
	if err := f2.Abort(); err != nil {
		t.Errorf("Abort after Cleanup: %v", err)
	}
	wantEntries(t, dir, "committed.png", "existing.png")
	wantContent(t, existing, "precious")
	wantContent(t, committed, "done")
}
