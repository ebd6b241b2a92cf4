//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"slices"
	"syscall"
)

// owner is what the permission checks need to know of a file.
type owner struct {
	uid, gid uint32
	mode     fs.FileMode
}

// cred is who the process acts as: effective user, group and supplementary
// groups.
type cred struct {
	uid, gid uint32
	groups   []uint32
}

// checkReplace refuses, before any work, to replace old (in dir) where the
// user did not mean it (write-protected) or the kernel will not allow it
// (sticky directory).
func checkReplace(old fs.FileInfo, dir string, force bool) error {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	if dir == "" {
		dir = "."
	}
	di, err := os.Stat(dir)
	if err != nil {
		return bareError(err)
	}
	dst, ok := di.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	c := cred{uid: uint32(os.Geteuid()), gid: uint32(os.Getegid())}
	if c.uid != 0 {
		groups, _ := os.Getgroups()
		for _, g := range groups {
			c.groups = append(c.groups, uint32(g))
		}
	}
	return replaceError(c,
		owner{uid: st.Uid, gid: st.Gid, mode: old.Mode()},
		owner{uid: dst.Uid, gid: dst.Gid, mode: di.Mode()},
		force)
}

// replaceError is checkReplace's decision, apart from the system so that
// tests can try users they cannot be.
func replaceError(c cred, file, dir owner, force bool) error {
	// rename(2) in a sticky directory: the replaced file must be the
	// caller's, or the directory, unless the caller has CAP_FOWNER (root
	// here; a capability short of root is not seen, and fails at Commit).
	if dir.mode&fs.ModeSticky != 0 && c.uid != 0 && file.uid != c.uid && dir.uid != c.uid {
		return ErrSticky
	}
	if !force && writeProtected(c, file) {
		return ErrWriteProtected
	}
	return nil
}

// writeProtected applies the permission bits of the class the caller falls
// in (owner, group, others), as access(2) would. Root may write anything, so
// for root only a file that nobody may write counts as protected: it was
// made so on purpose.
func writeProtected(c cred, file owner) bool {
	perm := file.mode.Perm()
	switch {
	case c.uid == 0:
		return perm&0o222 == 0
	case c.uid == file.uid:
		return perm&0o200 == 0
	case c.gid == file.gid || slices.Contains(c.groups, file.gid):
		return perm&0o020 == 0
	default:
		return perm&0o002 == 0
	}
}

// keepOwner gives tmp, the replacement of old, old's owner and group where
// the caller may: root replacing another user's file would otherwise make
// it root's, and its owner could no longer read it. A user may give a file
// only to a group of theirs, so that is tried next, and failing both the
// file stays the caller's, as a new file would be.
func keepOwner(tmp *os.File, old fs.FileInfo) {
	st, ok := old.Sys().(*syscall.Stat_t)
	if !ok {
		return
	}
	if st.Uid == uint32(os.Geteuid()) && st.Gid == uint32(os.Getegid()) {
		return
	}
	if tmp.Chown(int(st.Uid), int(st.Gid)) != nil {
		tmp.Chown(-1, int(st.Gid))
	}
}
