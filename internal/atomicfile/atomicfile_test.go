package atomicfile

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// entries lists dir's names, so that tests can see stray temporary files.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func wantEntries(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := entries(t, dir); !slices.Equal(got, want) {
		t.Errorf("directory holds %q, want %q", got, want)
	}
}

func wantContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s holds %q, want %q", path, got, want)
	}
}

func TestFileCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.pbm")
	f, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := io.WriteString(f, "hello, "); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
		t.Fatal(err)
	}
	// Until Commit, only a hidden temporary file exists.
	if got := entries(t, dir); len(got) != 1 || !strings.HasPrefix(got[0], ".out.pbm.tmp") {
		t.Errorf("before Commit the directory holds %q, want one temporary file", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantEntries(t, dir, "out.pbm")
	wantContent(t, path, "hello, "+strings.Repeat("x", 1<<20))

	// The mode is what os.WriteFile gives with 0644, whatever the umask.
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	ri, _ := os.Stat(ref)
	if fi.Mode() != ri.Mode() {
		t.Errorf("mode %v, want %v", fi.Mode(), ri.Mode())
	}

	if err := f.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	wantContent(t, path, "hello, "+strings.Repeat("x", 1<<20))
	if _, err := f.Write([]byte("more")); !errors.Is(err, fs.ErrClosed) {
		t.Errorf("Write after Commit: err = %v, want fs.ErrClosed", err)
	}
	if err := f.Commit(); err == nil {
		t.Error("second Commit: no error")
	}
}

func TestFileReplaces(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "new")
	// Until Commit, the old file is still there.
	wantContent(t, path, "old")
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	wantContent(t, path, "new")
	wantEntries(t, dir, "out.png")
}

func TestFileAbort(t *testing.T) {
	t.Run("new", func(t *testing.T) {
		dir := t.TempDir()
		f, err := New(filepath.Join(dir, "out.png"))
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "partial")
		if err := f.Abort(); err != nil {
			t.Fatal(err)
		}
		wantEntries(t, dir)
		if err := f.Abort(); err != nil {
			t.Errorf("second Abort: %v", err)
		}
		if err := f.Commit(); err == nil {
			t.Error("Commit after Abort: no error")
		}
		wantEntries(t, dir)
	})
	t.Run("existing", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.png")
		if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := New(path)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "partial")
		if err := f.Abort(); err != nil {
			t.Fatal(err)
		}
		wantEntries(t, dir, "out.png")
		wantContent(t, path, "precious")
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode changed to %v", fi.Mode())
		}
	})
}

// TestFileCommitFails makes the final rename fail and checks that the
// temporary file goes away.
func TestFileCommitFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	f, err := New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	io.WriteString(f, "data")
	// A non-empty directory appears at the path meanwhile.
	if err := os.MkdirAll(filepath.Join(path, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err == nil {
		t.Fatal("Commit onto a non-empty directory: no error")
	} else if want := "write " + path + ": "; !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %q does not start %q, or names the temporary file", err, want)
	}
	wantEntries(t, dir, "out.png")
	wantEntries(t, path, "sub")
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		is         error
	}{
		{"missing directory", filepath.Join(dir, "missing", "out.png"), fs.ErrNotExist},
		{"parent is a file", filepath.Join(file, "out.png"), nil},
		{"path is a directory", filepath.Join(dir, "subdir"), nil},
		{"trailing slash", filepath.Join(dir, "new") + string(filepath.Separator), nil},
		{"empty path", "", fs.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(tc.path)
			if err == nil {
				f.Abort()
				t.Fatalf("New(%q): no error", tc.path)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			var pe *fs.PathError
			if !errors.As(err, &pe) || pe.Op != "create" || pe.Path != tc.path || !strings.HasPrefix(err.Error(), "create "+tc.path+": ") {
				t.Errorf("error %q lacks context", err)
			}
			wantEntries(t, dir, "file", "subdir")
			wantEntries(t, filepath.Join(dir, "subdir"))
		})
	}
	if devnull, err := os.Lstat(os.DevNull); err == nil && devnull.Mode()&fs.ModeDevice != 0 {
		// Renaming onto /dev/null would replace the device (as root).
		if f, err := New(os.DevNull); err == nil {
			f.Abort()
			t.Errorf("New(%s): no error", os.DevNull)
		}
	}
}

func TestNewReadOnlyDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	probe := filepath.Join(dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err == nil {
		os.Remove(probe)
		t.Skip("the directory is writable despite mode 0555 (running as root?); TestNewErrors covers unwritable paths")
	}
	f, err := New(filepath.Join(dir, "out.png"))
	if err == nil {
		f.Abort()
		t.Fatal("New in a read-only directory: no error")
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("error %v, want fs.ErrPermission", err)
	}
	wantEntries(t, dir)
}

func TestFileLongName(t *testing.T) {
	dir := t.TempDir()
	name := strings.Repeat("é", 120) + ".png" // 244 bytes, near NAME_MAX
	commitString(t, filepath.Join(dir, name), "long", dir)
	wantEntries(t, dir, name)
}

// TestSameTarget: paths that lead to one file through symbolic links, to
// an existing file or a new one, and through a linked directory, are the
// same; different files, and a directory, are not.
func TestSameTarget(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	if err := os.WriteFile(at("out.png"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(at("real"), 0o755)
	for _, l := range [][2]string{{"out.png", "link.png"}, {"new.png", "dangling.png"}, {"real", "linked"}} {
		if err := os.Symlink(l[0], at(l[1])); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{at("out.png"), at("./out.png"), true},
		{at("link.png"), at("out.png"), true},
		{at("dangling.png"), at("new.png"), true},
		{at("linked/x.png"), at("real/x.png"), true},
		{at("out.png"), at("new.png"), false},
		{at("link.png"), at("dangling.png"), false},
		{at("real"), at("linked"), false},
	} {
		if got := SameTarget(c.a, c.b); got != c.same {
			t.Errorf("SameTarget(%s, %s) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}
