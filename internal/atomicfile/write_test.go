package atomicfile

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
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
