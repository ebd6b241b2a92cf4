package sysmem

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const gib = 1 << 30

// tree is a fake /proc and /sys/fs/cgroup in a temporary directory.
type tree struct {
	t   *testing.T
	dir string
	f   files
}

// newTree starts a tree with MemAvailable of 4 GiB, the process in cgroup
// lines selfCgroup, and mountinfo lines (with DIR for the tree's
// directory), or no mountinfo if it is "".
func newTree(t *testing.T, selfCgroup, mountinfo string) *tree {
	dir := t.TempDir()
	tr := &tree{t, dir, files{
		meminfo:   filepath.Join(dir, "meminfo"),
		cgroup:    filepath.Join(dir, "cgroup"),
		mountinfo: filepath.Join(dir, "mountinfo"),
		cgroupfs:  filepath.Join(dir, "fs"),
	}}
	write(t, tr.f.meminfo, "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4194304 kB\n")
	write(t, tr.f.cgroup, selfCgroup)
	if mountinfo != "" {
		write(t, tr.f.mountinfo, strings.ReplaceAll(mountinfo, "DIR", dir))
	}
	return tr
}

// set writes the value of a cgroup file, path relative to the tree.
func (tr *tree) set(path, value string) {
	tr.t.Helper()
	path = filepath.Join(tr.dir, path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tr.t.Fatal(err)
	}
	write(tr.t, path, value+"\n")
}

func gibs(n float64) string { return strconv.FormatFloat(n*gib, 'f', 0, 64) }

// The mountinfo of a cgroup v2 host, and of a hybrid (v1) host like
// Ubuntu 20.04's, with the hierarchies under DIR/fs.
const (
	mountsV2 = `25 30 0:22 / DIR/fs rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
30 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
`
	mountsV1 = `30 22 0:27 / DIR/fs ro,nosuid - tmpfs tmpfs ro,mode=755
31 30 0:28 / DIR/fs/cpu rw,relatime - cgroup cgroup rw,cpu
34 30 0:31 / DIR/fs/memory rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,memory
40 30 0:37 / DIR/fs/unified rw,relatime - cgroup2 cgroup2 rw
`
	cgroupV1 = `9:name=systemd:/
4:memory:/job/abc
1:cpu,cpuacct:/
0::/
`
)

func TestAvailable(t *testing.T) {
	for _, tc := range []struct {
		name              string
		cgroup, mountinfo string
		files             map[string]string // path in the tree: content
		want              float64
	}{
		{name: "no cgroup files", cgroup: "0::/\n", mountinfo: mountsV2, want: 4 * gib},
		{name: "v2 without a limit", cgroup: "0::/a\n", mountinfo: mountsV2,
			files: map[string]string{"fs/a/memory.max": "max", "fs/a/memory.current": gibs(1)}, want: 4 * gib},
		{name: "v2 limit", cgroup: "0::/a\n", mountinfo: mountsV2,
			files: map[string]string{"fs/a/memory.max": gibs(3), "fs/a/memory.current": gibs(1)}, want: 2 * gib},
		{name: "v2 limit looser than the machine", cgroup: "0::/a\n", mountinfo: mountsV2,
			files: map[string]string{"fs/a/memory.max": gibs(10)}, want: 4 * gib},
		{name: "v2 usage past the limit", cgroup: "0::/a\n", mountinfo: mountsV2,
			files: map[string]string{"fs/a/memory.max": gibs(1), "fs/a/memory.current": gibs(2)}, want: 0},
		{name: "v2 limit on an ancestor", cgroup: "0::/user.slice/app.scope\n", mountinfo: mountsV2,
			files: map[string]string{
				"fs/user.slice/app.scope/memory.max": "max", "fs/user.slice/app.scope/memory.current": gibs(0.5),
				"fs/user.slice/memory.max": gibs(3), "fs/user.slice/memory.current": gibs(2.5),
			}, want: 0.5 * gib},
		{name: "v2 nested, the inner limit tighter", cgroup: "0::/user.slice/app.scope\n", mountinfo: mountsV2,
			files: map[string]string{
				"fs/user.slice/app.scope/memory.max": gibs(2), "fs/user.slice/app.scope/memory.current": gibs(0.5),
				"fs/user.slice/memory.max": gibs(3.5), "fs/user.slice/memory.current": gibs(1),
			}, want: 1.5 * gib},
		// A container with its own cgroup namespace sees its cgroup as the root.
		{name: "v2 root with a limit", cgroup: "0::/\n", mountinfo: mountsV2,
			files: map[string]string{"fs/memory.max": gibs(1), "fs/memory.current": gibs(0.25)}, want: 0.75 * gib},
		// Without one it sees the host's path, which its mount does not have.
		{name: "v2 path missing under the mount", cgroup: "0::/system.slice/docker-1.scope\n", mountinfo: mountsV2,
			files: map[string]string{"fs/memory.max": gibs(1)}, want: 1 * gib},
		{name: "v2 missing memory.current", cgroup: "0::/a\n", mountinfo: mountsV2,
			files: map[string]string{"fs/a/memory.max": gibs(3)}, want: 3 * gib},
		{name: "v2 without mountinfo", cgroup: "0::/a\n",
			files: map[string]string{"fs/a/memory.max": gibs(3), "fs/a/memory.current": gibs(1)}, want: 2 * gib},
		{name: "v2 mounted elsewhere", cgroup: "0::/a\n",
			mountinfo: "25 30 0:22 / DIR/cg\\040two rw - cgroup2 cgroup2 rw\n",
			files:     map[string]string{"cg two/a/memory.max": gibs(3), "fs/a/memory.max": gibs(0.5)}, want: 3 * gib},

		{name: "v1 limit", cgroup: cgroupV1, mountinfo: mountsV1,
			files: map[string]string{"fs/memory/job/abc/memory.limit_in_bytes": gibs(3), "fs/memory/job/abc/memory.usage_in_bytes": gibs(1)},
			want:  2 * gib},
		{name: "v1 without a limit", cgroup: cgroupV1, mountinfo: mountsV1,
			files: map[string]string{
				"fs/memory/job/abc/memory.limit_in_bytes": "9223372036854771712", "fs/memory/job/abc/memory.usage_in_bytes": gibs(1),
				"fs/memory/memory.limit_in_bytes": "9223372036854771712",
			}, want: 4 * gib},
		{name: "v1 limit on an ancestor", cgroup: cgroupV1, mountinfo: mountsV1,
			files: map[string]string{
				"fs/memory/job/abc/memory.limit_in_bytes": "9223372036854771712", "fs/memory/job/abc/memory.usage_in_bytes": gibs(1),
				"fs/memory/job/memory.limit_in_bytes": gibs(2.5), "fs/memory/job/memory.usage_in_bytes": gibs(1.5),
			}, want: 1 * gib},
		{name: "v1 path missing under the mount", cgroup: cgroupV1, mountinfo: mountsV1,
			files: map[string]string{"fs/memory/memory.limit_in_bytes": gibs(3), "fs/memory/memory.usage_in_bytes": gibs(2)},
			want:  1 * gib},
		// A container without a cgroup namespace mounts its own cgroup as
		// the hierarchy's root: the path is relative to the mount's root.
		{name: "v1 mount of a subtree", cgroup: cgroupV1,
			mountinfo: "34 30 0:31 /job DIR/fs/memory rw - cgroup cgroup rw,memory\n",
			files: map[string]string{
				"fs/memory/abc/memory.limit_in_bytes": gibs(3), "fs/memory/abc/memory.usage_in_bytes": gibs(1),
				"fs/memory/job/abc/memory.limit_in_bytes": gibs(0.5),
			}, want: 2 * gib},
		{name: "v1 without mountinfo", cgroup: cgroupV1,
			files: map[string]string{"fs/memory/job/abc/memory.limit_in_bytes": gibs(3), "fs/memory/job/abc/memory.usage_in_bytes": gibs(1)},
			want:  2 * gib},
		{name: "v1 and v2, the tighter wins", cgroup: cgroupV1 + "0::/a\n", mountinfo: mountsV1,
			files: map[string]string{
				"fs/memory/job/abc/memory.limit_in_bytes": gibs(3),
				"fs/unified/a/memory.max":                 gibs(1),
			}, want: 1 * gib},
		{name: "memory in another v1 hierarchy", cgroup: "4:cpu:/job/abc\n", mountinfo: mountsV1,
			files: map[string]string{"fs/memory/job/abc/memory.limit_in_bytes": gibs(1)}, want: 4 * gib},
		{name: "a path escaping the mount", cgroup: "0::/../../outside\n", mountinfo: mountsV2,
			files: map[string]string{"outside/memory.max": gibs(1)}, want: 4 * gib},
		{name: "garbage", cgroup: "not a cgroup file\n::\n", mountinfo: "garbage\n - \n", want: 4 * gib},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTree(t, tc.cgroup, tc.mountinfo)
			for path, content := range tc.files {
				tr.set(path, content)
			}
			if got := available(tr.f); got != tc.want {
				t.Errorf("available = %v (%s), want %v (%s)", got, HumanBytes(got), tc.want, HumanBytes(tc.want))
			}
		})
	}
}

func TestAvailableWithoutFiles(t *testing.T) {
	dir := t.TempDir()
	none := filepath.Join(dir, "none")
	if got := available(files{meminfo: none, cgroup: none, mountinfo: none, cgroupfs: none, status: none}); got != Fallback {
		t.Errorf("nothing to read: %v, want the fallback", got)
	}
	tr := newTree(t, "0::/\n", "")
	os.Remove(tr.f.cgroup)
	tr.set("fs/memory.max", gibs(1))
	if got := available(tr.f); got != 4*gib {
		t.Errorf("no /proc/self/cgroup: %v, want MemAvailable, 4 GiB", got)
	}
	if got := Available(); got <= 0 {
		t.Errorf("Available() = %v", got)
	}
}

func TestUnescape(t *testing.T) {
	for in, want := range map[string]string{
		"/sys/fs/cgroup": "/sys/fs/cgroup", `/a\040b`: "/a b", `/a\011b\134`: "/a\tb\\", `/a\04`: `/a\04`, `/a\0x9`: `/a\0x9`,
	} {
		if got := unescape(in); got != want {
			t.Errorf("unescape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for _, c := range []struct {
		b    float64
		want string
	}{
		{0, "0.0 B"}, {1023, "1023.0 B"}, {1536, "1.5 KiB"}, {16 << 30, "16.0 GiB"}, {1 << 60, "1024.0 PiB"},
	} {
		if got := HumanBytes(c.b); got != c.want {
			t.Errorf("HumanBytes(%v) = %q, want %q", c.b, got, c.want)
		}
	}
}

func TestCheck(t *testing.T) {
	if err := Check(1<<30, 1<<30); err != nil {
		t.Errorf("Check(1 GiB, 1 GiB) = %v, want nil: what fits exactly fits", err)
	}
	err := Check(1.5*(1<<40), 16<<30)
	if want := "needs about 1.5 TiB of memory; this machine has about 16.0 GiB available"; err == nil || err.Error() != want {
		t.Errorf("Check(1.5 TiB, 16 GiB) = %v, want %q", err, want)
	}
}

// TestAvailableAddressLimit counts the address-space limit (ulimit -v):
// half of what it leaves above VmSize, as the heap needs twice its live
// bytes, and the tighter of it and the other limits.
func TestAvailableAddressLimit(t *testing.T) {
	tr := newTree(t, "0::/\n", mountsV2)
	tr.f.status = filepath.Join(tr.dir, "status")
	write(t, tr.f.status, "Name:\tmandel\nVmPeak:\t  800000 kB\nVmSize:\t  745792 kB\nVmRSS:\t 24780 kB\n")
	limit := func(kb float64, ok bool) func() (float64, bool) {
		return func() (float64, bool) { return kb * 1024, ok }
	}
	for _, tc := range []struct {
		name  string
		limit func() (float64, bool)
		want  float64
	}{
		{"ulimit -v 1000000", limit(1000000, true), (1000000 - 745792) * 1024 / 2},
		{"no limit", limit(0, false), 4 * gib},
		{"a limit looser than the machine", limit(64<<20, true), 4 * gib},
		{"a limit below what is mapped", limit(500000, true), 0},
	} {
		tr.f.addressLimit = tc.limit
		if got := available(tr.f); got != tc.want {
			t.Errorf("%s: available = %v (%s), want %v (%s)", tc.name, got, HumanBytes(got), tc.want, HumanBytes(tc.want))
		}
	}
}
