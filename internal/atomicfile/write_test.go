package atomicfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteFile(context.Background(), path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != "new" {
		t.Fatalf("file holds %q, want %q", got, "new")
	}

	failed := errors.New("encoder failed")
	err := WriteFile(context.Background(), path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("err = %v, want %v", err, failed)
	}
	checkUntouched(t, dir, path, "new")
}

// TestWriteFileCancelled stops a write by cancelling its context midway:
// the next write fails, the error is the context's, and the old file stays.
func TestWriteFileCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var second error
	err := WriteFile(ctx, path, func(w io.Writer) error {
		io.WriteString(w, "first")
		cancel()
		_, second = io.WriteString(w, "second")
		return nil // an encoder that ignores its write errors
	})
	if !errors.Is(err, context.Canceled) || !errors.Is(second, context.Canceled) {
		t.Fatalf("err = %v, the write after cancel = %v; want both context.Canceled", err, second)
	}
	checkUntouched(t, dir, path, "old")
}

// checkUntouched checks that path still holds want and that no temporary
// file is left in dir.
func checkUntouched(t *testing.T, dir, path, want string) {
	t.Helper()
	if got, _ := os.ReadFile(path); string(got) != want {
		t.Errorf("file holds %q, want %q", got, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries in the directory, want only the file", len(entries))
	}
}

// TestWriteErrorNamesPath fails the temporary file's writes: the errors,
// from Write and from Commit's flush, name the user's path, never the
// hidden temporary file, which the user never asked for.
func TestWriteErrorNamesPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.png")
	f, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	f.tmp.Close() // every write to it now fails, as a full disk's would
	_, err = f.Write(make([]byte, 2*bufSize))
	checkNamesPath(t, "Write", err, path)
	checkNamesPath(t, "Commit", f.Commit(), path)

	g, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Abort()
	g.tmp.Close()
	if _, err := g.Write([]byte("small")); err != nil {
		t.Fatalf("a buffered write failed: %v", err)
	}
	checkNamesPath(t, "Commit after a buffered write", g.Commit(), path)
}

func checkNamesPath(t *testing.T, what string, err error, path string) {
	t.Helper()
	var pe *fs.PathError
	switch {
	case err == nil:
		t.Errorf("%s: no error", what)
	case strings.Contains(err.Error(), ".tmp-"):
		t.Errorf("%s: %v names the temporary file", what, err)
	case !errors.As(err, &pe) || pe.Path != path:
		t.Errorf("%s: %v does not name %s", what, err, path)
	}
}
