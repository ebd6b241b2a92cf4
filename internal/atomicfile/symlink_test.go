package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// symlink makes a symbolic link, or skips the test where that needs
// privileges (Windows).
func symlink(t *testing.T, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		t.Skipf("cannot make symbolic links: %v", err)
	}
}

// wantLink checks that link is still a symbolic link with the text dest.
func wantLink(t *testing.T, link, dest string) {
	t.Helper()
	fi, err := os.Lstat(link)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("%s is no longer a symbolic link (mode %v)", link, fi.Mode())
	}
	if got, err := os.Readlink(link); err != nil || got != dest {
		t.Errorf("%s links to %q (%v), want %q", link, got, err, dest)
	}
}

// commitString writes s to path through a File. Before Commit it
// checks that the temporary file is in tmpDir and that nothing else changed
// there.
func commitString(t *testing.T, path, s, tmpDir string) {
	t.Helper()
	commitWith(t, Options{}, path, s, tmpDir)
}

// commitWith is commitString with options.
func commitWith(t *testing.T, o Options, path, s, tmpDir string) {
	t.Helper()
	before := entries(t, tmpDir)
	f, err := o.New(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Abort()
	if _, err := io.WriteString(f, s); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, tmpDir); len(got) != len(before)+1 {
		t.Errorf("before Commit %s holds %q, want %q and a temporary file", tmpDir, got, before)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
}

// sameMode checks that path has the mode a new file created with 0644 gets
// under the current umask.
func wantNewFileMode(t *testing.T, path string) {
	t.Helper()
	ref := filepath.Join(t.TempDir(), "ref")
	if err := os.WriteFile(ref, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ri, _ := os.Stat(ref)
	if fi.Mode() != ri.Mode() {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode(), ri.Mode())
	}
}

// linkDirs makes dir/real holding target.png ("old") and an empty
// dir/links, where the tests put their links.
func linkDirs(t *testing.T) (dir, real, links string) {
	dir = t.TempDir()
	real = filepath.Join(dir, "real")
	links = filepath.Join(dir, "links")
	for _, d := range []string{real, links} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(real, "target.png"), []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, real, links
}

// TestFileSymlink checks that a link to a file is followed: the
// target gets the new content, and the link stays as it was.
func TestFileSymlink(t *testing.T) {
	for _, tc := range []struct {
		name string
		// links are made in order in the links directory: name, text. The
		// first is the path written to.
		links [][2]string
		// target is the file that gets the content, relative to the
		// temporary directory.
		target string
		isNew  bool
	}{
		{"relative", [][2]string{{"link.png", "../real/target.png"}}, "real/target.png", false},
		{"absolute", [][2]string{{"link.png", "REAL/target.png"}}, "real/target.png", false},
		{"chain", [][2]string{{"link.png", "second.png"}, {"second.png", "../real/target.png"}}, "real/target.png", false},
		{"through a linked directory", [][2]string{{"link.png", "sub/target.png"}, {"sub", "../real"}}, "real/target.png", false},
		{"dangling", [][2]string{{"link.png", "../real/new.png"}}, "real/new.png", true},
		{"dangling absolute", [][2]string{{"link.png", "REAL/new.png"}}, "real/new.png", true},
		{"dangling chain", [][2]string{{"link.png", "second.png"}, {"second.png", "../real/new.png"}}, "real/new.png", true},
		// The kernel resolves sub/.. after following sub, to dir; a lexical
		// clean would give links/new.png.
		{"dangling through .. after a linked directory", [][2]string{{"link.png", "sub/../new.png"}, {"sub", "../real"}}, "new.png", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, real, links := linkDirs(t)
			for _, l := range tc.links {
				symlink(t, strings.Replace(l[1], "REAL", real, 1), filepath.Join(links, l[0]))
			}
			path := filepath.Join(links, tc.links[0][0])
			target := filepath.Join(dir, filepath.FromSlash(tc.target))
			linksBefore := entries(t, links)
			commitString(t, path, "new", filepath.Dir(target))

			wantContent(t, target, "new")
			wantContent(t, path, "new")
			for _, l := range tc.links {
				wantLink(t, filepath.Join(links, l[0]), strings.Replace(l[1], "REAL", real, 1))
			}
			wantEntries(t, links, linksBefore...)
			if tc.isNew {
				wantNewFileMode(t, target)
			}
			if tc.target != "new.png" {
				wantEntries(t, dir, "links", "real")
				if tc.isNew {
					wantEntries(t, real, "new.png", "target.png")
				} else {
					wantEntries(t, real, "target.png")
				}
			}

			// Again, now that the target exists.
			commitString(t, path, "\x89PNG again", filepath.Dir(target))
			for _, l := range tc.links {
				wantLink(t, filepath.Join(links, l[0]), strings.Replace(l[1], "REAL", real, 1))
			}
			if data, err := os.ReadFile(target); err != nil || !strings.HasPrefix(string(data), "\x89PNG") {
				t.Errorf("the target does not hold the PNG: %q, %v", data[:min(len(data), 8)], err)
			}
		})
	}
}

func TestFileSymlinkAbort(t *testing.T) {
	dir, real, links := linkDirs(t)
	link := filepath.Join(links, "link.png")
	symlink(t, "../real/target.png", link)
	f, err := New(link)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "partial")
	if err := f.Abort(); err != nil {
		t.Fatal(err)
	}
	wantLink(t, link, "../real/target.png")
	wantContent(t, filepath.Join(real, "target.png"), "old")
	wantEntries(t, real, "target.png")
	wantEntries(t, links, "link.png")
	wantEntries(t, dir, "links", "real")
}

// TestFileSymlinkRefused checks links that must not be followed or
// replaced.
func TestFileSymlinkRefused(t *testing.T) {
	for _, tc := range []struct {
		name, dest string // dest: REAL is replaced by the real directory
		msg        string // in the error
		is         error
	}{
		{"to a directory", "../real", "is a directory", nil},
		{"to a directory, absolute", "REAL", "is a directory", nil},
		{"to a missing directory", "../real/missing/new.png", "", fs.ErrNotExist},
		{"through a file", "../real/target.png/new.png", "", nil},
		{"with a trailing slash", "../real/newdir/", "is a directory", nil},
		{"loop", "link.png", "", nil},
		{"to /dev/null", os.DevNull, "not a regular file", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.dest == os.DevNull {
				if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeDevice == 0 {
					t.Skipf("%s is not a device", os.DevNull)
				}
			}
			dir, real, links := linkDirs(t)
			dest := strings.Replace(tc.dest, "REAL", real, 1)
			link := filepath.Join(links, "link.png")
			symlink(t, dest, link)
			f, err := New(link)
			if err == nil {
				f.Abort()
				t.Fatalf("New(%s -> %s): no error", link, dest)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "create "+link+": ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q lacks context", msg)
			}
			if !strings.Contains(msg, tc.msg) {
				t.Errorf("error %q does not say %q", msg, tc.msg)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			wantLink(t, link, dest)
			wantEntries(t, links, "link.png")
			wantEntries(t, real, "target.png")
			wantEntries(t, dir, "links", "real")
			wantContent(t, filepath.Join(real, "target.png"), "old")
		})
	}
}

// TestFileDevStdout checks the case that destroyed /dev/stdout when
// run as root: it links to /proc/self/fd/1, which leads to a terminal or a
// pipe (as under go test), not to a regular file.
func TestFileDevStdout(t *testing.T) {
	const path = "/dev/stdout"
	li, err := os.Lstat(path)
	if err != nil || li.Mode()&fs.ModeSymlink == 0 {
		t.Skipf("%s is not a symbolic link", path)
	}
	dest, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().IsRegular() {
		t.Skipf("standard output is a regular file or unusable (%v)", err)
	}
	f, err := New(path)
	if err == nil {
		f.Abort()
		t.Fatalf("New(%s): no error", path)
	}
	if want := "create /dev/stdout: an open file descriptor, not a file"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	wantLink(t, path, dest)
}

// TestFileKeepsMode checks that replacing a file keeps its permission
// bits, directly and through a link, rather than taking 0644 less the umask.
func TestFileKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	for _, perm := range []fs.FileMode{0o600, 0o640, 0o400, 0o666, 0o755, 0} {
		for _, viaLink := range []bool{false, true} {
			dir := t.TempDir()
			file := filepath.Join(dir, "out.png")
			if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			// Chmod, unlike WriteFile, ignores the umask.
			if err := os.Chmod(file, perm); err != nil {
				t.Fatal(err)
			}
			path := file
			if viaLink {
				path = filepath.Join(dir, "link.png")
				symlink(t, "out.png", path)
			}
			// A write-protected file needs Force (TestWriteProtected).
			commitWith(t, Options{Force: true}, path, "new", dir)
			wantContent(t, file, "new")
			if fi, err := os.Lstat(file); err != nil {
				t.Fatal(err)
			} else if fi.Mode() != perm {
				t.Errorf("%v file, via link %v: mode after replacing it %v", perm, viaLink, fi.Mode())
			}
		}
	}
	// A new file still gets 0644 less the umask.
	dir := t.TempDir()
	path := filepath.Join(dir, "new.png")
	commitString(t, path, "new", dir)
	wantNewFileMode(t, path)
}

// TestFileLinkedDirDotDot checks that the temporary file goes where the
// kernel resolves the path, not where a lexical clean would put it:
// links/sub/../out.png is dir/out.png when links/sub links to dir/real.
func TestFileLinkedDirDotDot(t *testing.T) {
	dir, _, links := linkDirs(t)
	symlink(t, "../real", filepath.Join(links, "sub"))
	path := filepath.Join(links, "sub") + string(filepath.Separator) + ".." + string(filepath.Separator) + "out.png"
	commitString(t, path, "new", dir)
	wantContent(t, filepath.Join(dir, "out.png"), "new")
	wantEntries(t, links, "sub")
}
