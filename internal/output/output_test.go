package output

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestFileAppearsWhenComplete: a file destination holds nothing under its
// name until WriteWith commits it, and then exactly what encode wrote.
func TestFileAppearsWhenComplete(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.pgm")
	d, err := Open(path, false, new(bytes.Buffer), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if d.File() == nil {
		t.Fatal("File() is nil for a file path")
	}
	err = d.WriteWith(context.Background(), func(w io.Writer) error {
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("out.pgm exists while it is written: %v", err)
		}
		_, err := io.WriteString(w, "P5 1 1 255\n\x80")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "P5 1 1 255\n\x80" {
		t.Errorf("out.pgm holds %q, %v", b, err)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q, want out.pgm alone", names)
	}
}

// TestInterruptDuringEncoding: a cancellation while the result is encoded
// stops it and keeps the old file, and no temporary file is left.
func TestInterruptDuringEncoding(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(path, false, new(bytes.Buffer), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = d.WriteWith(ctx, func(w io.Writer) error {
		_, err := w.Write(bytes.Repeat([]byte("x"), 1<<20))
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("write after cancellation: %v, want context.Canceled", err)
	}
	d.Abort()
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Errorf("out.png changed to %q", b)
	}
	if names := entries(t, dir); len(names) != 1 {
		t.Errorf("directory holds %q", names)
	}
}

// TestStandardOutput: "-" writes through the standard output writer (a
// buffer here, which is neither a terminal nor closed), with no file.
func TestStandardOutput(t *testing.T) {
	var stdout bytes.Buffer
	d, err := Open("-", false, &stdout, new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if d.File() != nil {
		t.Error("File() is not nil for standard output")
	}
	if err := d.WriteWith(context.Background(), func(w io.Writer) error {
		_, err := io.WriteString(w, "image")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if stdout.String() != "image" {
		t.Errorf("standard output got %q", stdout.String())
	}
}

// TestDevice: a character device is written directly, not replaced by a
// renamed file.
func TestDevice(t *testing.T) {
	if !IsCharDevice(os.DevNull) {
		t.Skipf("%s is not a character device here", os.DevNull)
	}
	d, err := Open(os.DevNull, false, new(bytes.Buffer), new(bytes.Buffer))
	if err != nil {
		t.Fatal(err)
	}
	if d.File() != nil {
		t.Errorf("File() is not nil for %s", os.DevNull)
	}
	if err := d.WriteWith(context.Background(), func(w io.Writer) error {
		_, err := io.WriteString(w, "image")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !IsCharDevice(os.DevNull) {
		t.Errorf("%s is no longer a character device", os.DevNull)
	}
}
