//go:build unix

package atomicfile

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestReplaceError checks the decision of New about users it cannot be in
// a test: the sticky-directory rule of rename(2), and the permission class
// that applies.
func TestReplaceError(t *testing.T) {
	const (
		me, other, third = 1000, 1001, 1002
		myGroup, group2  = 100, 200
		sticky           = fs.ModeDir | fs.ModeSticky | 0o777
		plainDir         = fs.ModeDir | 0o777
	)
	user := cred{uid: me, gid: myGroup, groups: []uint32{myGroup, group2}}
	root := cred{uid: 0, gid: 0}
	for _, tc := range []struct {
		name  string
		c     cred
		file  owner
		dir   owner
		force bool
		want  error
	}{
		{"own file", user, owner{me, myGroup, 0o644}, owner{0, 0, sticky}, false, nil},
		{"own read-only file", user, owner{me, myGroup, 0o444}, owner{me, myGroup, plainDir}, false, ErrWriteProtected},
		{"own read-only file, forced", user, owner{me, myGroup, 0o444}, owner{me, myGroup, plainDir}, true, nil},
		{"owner bits rule the owner", user, owner{me, myGroup, 0o466}, owner{me, myGroup, plainDir}, false, ErrWriteProtected},
		{"other's file in sticky dir", user, owner{other, group2, 0o666}, owner{0, 0, sticky}, false, ErrSticky},
		{"other's file in sticky dir, forced", user, owner{other, group2, 0o666}, owner{0, 0, sticky}, true, ErrSticky},
		{"other's file in my sticky dir", user, owner{other, group2, 0o666}, owner{me, myGroup, sticky}, false, nil},
		{"other's file in sticky dir, as root", root, owner{other, group2, 0o644}, owner{third, 0, sticky}, false, nil},
		{"other's file in plain dir", user, owner{other, other, 0o666}, owner{me, myGroup, plainDir}, false, nil},
		{"other's file, others may not write", user, owner{other, other, 0o664}, owner{me, myGroup, plainDir}, false, ErrWriteProtected},
		{"group may write", user, owner{other, group2, 0o664}, owner{me, myGroup, plainDir}, false, nil},
		{"group may not write", user, owner{other, group2, 0o646}, owner{me, myGroup, plainDir}, false, ErrWriteProtected},
		{"root and someone's 0644", root, owner{other, other, 0o644}, owner{0, 0, plainDir}, false, nil},
		{"root and 0444", root, owner{0, 0, 0o444}, owner{0, 0, plainDir}, false, ErrWriteProtected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := replaceError(tc.c, tc.file, tc.dir, tc.force); err != tc.want {
				t.Errorf("replaceError(%+v, file %+v, dir %+v, force %v) = %v, want %v", tc.c, tc.file, tc.dir, tc.force, err, tc.want)
			}
		})
	}
}

// TestReplaceKeepsOwner replaces, as root, a file of another user: the new
// file is theirs, with their mode, so that they can still read it. It
// needs root, which alone may give a file away.
func TestReplaceKeepsOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to own a file of another user; as a user, the owner is kept by construction")
	}
	const nobody = 65534
	path := filepath.Join(t.TempDir(), "theirs.png")
	if err := os.WriteFile(path, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(context.Background(), path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != nobody || st.Gid != nobody || fi.Mode().Perm() != 0o640 {
		t.Errorf("replaced file is %d:%d %v, want %d:%d -rw-r-----", st.Uid, st.Gid, fi.Mode(), nobody, nobody)
	}
}
