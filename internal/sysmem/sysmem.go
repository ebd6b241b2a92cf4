// Package sysmem says how much memory this process may still use, so that
// commands can refuse work that cannot fit before allocating it.
package sysmem

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Fallback is assumed when the system does not say what it has.
const Fallback = 8 << 30

// Available returns the bytes this process may still use: MemAvailable on
// Linux, lowered to what the tightest memory limit of the process's cgroup
// and its ancestors leaves (cgroup v2 or v1, as containers and systemd set
// them) and to what the address-space limit (RLIMIT_AS, ulimit -v) leaves
// the heap, otherwise Fallback, a conservative guess.
func Available() float64 {
	return available(system)
}

// files names what Available reads; tests point it at fake trees.
type files struct {
	meminfo   string // /proc/meminfo
	cgroup    string // /proc/self/cgroup: the process's cgroup in each hierarchy
	mountinfo string // /proc/self/mountinfo: where the hierarchies are mounted
	// cgroupfs is where the hierarchies are conventionally mounted, used
	// for a hierarchy that mountinfo does not list (or when it cannot be
	// read): v2 there, v1's memory in memory/.
	cgroupfs string
	status   string // /proc/self/status: VmSize, the address space in use
	// addressLimit is RLIMIT_AS's soft limit in bytes, ok false for none.
	addressLimit func() (limit float64, ok bool)
}

var system = files{
	meminfo:      "/proc/meminfo",
	cgroup:       "/proc/self/cgroup",
	mountinfo:    "/proc/self/mountinfo",
	cgroupfs:     "/sys/fs/cgroup",
	status:       "/proc/self/status",
	addressLimit: addressLimit,
}

func available(f files) float64 {
	avail := meminfoAvailable(f.meminfo)
	if left, ok := cgroupLeft(f); ok && left < avail {
		avail = left
	}
	if left, ok := addressLeft(f); ok && left < avail {
		avail = left
	}
	return avail
}

// addressLeft is the part of the address-space limit (RLIMIT_AS, ulimit -v)
// that the heap may still take, and whether there is a limit: half of the
// limit less the address space in use. Half, because the heap grows to
// about twice what it holds live before a collection (GOGC=100) and keeps
// its addresses. The Go runtime reserves what it can of the rest at start
// (hundreds of MiB, PROT_NONE), so that VmSize then holds most of what
// it will map: without the count, a render under ulimit -v died with
// "fatal error: out of memory" and a goroutine dump.
func addressLeft(f files) (float64, bool) {
	if f.addressLimit == nil {
		return 0, false
	}
	limit, ok := f.addressLimit()
	if !ok {
		return 0, false
	}
	used := statusBytes(f.status, "VmSize:")
	return max(limit-used, 0) / 2, true
}

// statusBytes reads a "Key:  N kB" line of /proc/self/status, 0 if absent.
func statusBytes(path, key string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, key); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// mount is a mounted cgroup hierarchy: the directory root of the hierarchy
// appears at point.
type mount struct{ root, point string }

// cgroupLeft returns the least memory that any limit on the process's
// cgroups leaves, limit minus usage, and whether there is a limit at all.
//
// Each line of /proc/self/cgroup is ID:CONTROLLERS:PATH. The cgroup v2 line
// is 0::PATH, with memory.max and memory.current; the v1 line whose
// controllers include memory has memory.limit_in_bytes and
// memory.usage_in_bytes. A limit on an ancestor binds its descendants, so
// every level up to the mount point counts.
func cgroupLeft(f files) (float64, bool) {
	b, err := os.ReadFile(f.cgroup)
	if err != nil {
		return 0, false
	}
	v2, v1 := cgroupMounts(f.mountinfo, f.cgroupfs)
	left, limited := math.Inf(1), false
	for _, line := range strings.Split(string(b), "\n") {
		id, rest, ok1 := strings.Cut(line, ":")
		controllers, path, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 {
			continue
		}
		var l float64
		var ok bool
		switch {
		case id == "0" && controllers == "":
			l, ok = hierarchyLeft(v2, path, "memory.max", "memory.current")
		case slices.Contains(strings.Split(controllers, ","), "memory"):
			l, ok = hierarchyLeft(v1, path, "memory.limit_in_bytes", "memory.usage_in_bytes")
		}
		if ok {
			left, limited = min(left, l), true
		}
	}
	return left, limited
}

// hierarchyLeft returns the least that the limits of cgroup path and its
// ancestors in hierarchy m leave.
func hierarchyLeft(m mount, path, limitFile, usageFile string) (float64, bool) {
	if m.point == "" {
		return 0, false
	}
	// The path is relative to the hierarchy's root, of which the mount may
	// show only a subtree. In a container the path may name a cgroup of the
	// host that is not there at all: the mount root is then the container's
	// own cgroup.
	rel := path
	if r, ok := strings.CutPrefix(path, m.root); ok && m.root != "/" && (r == "" || r[0] == '/') {
		rel = r
	}
	top := filepath.Clean(m.point)
	dir := filepath.Join(top, rel)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || !within(dir, top) {
		dir = top
	}
	left, limited := math.Inf(1), false
	for {
		if l, ok := limitLeft(dir, limitFile, usageFile); ok {
			left, limited = min(left, l), true
		}
		if dir == top {
			return left, limited
		}
		dir = filepath.Dir(dir)
	}
}

// within reports whether dir is top or below it; both are clean.
func within(dir, top string) bool {
	return dir == top || strings.HasPrefix(dir, top+string(filepath.Separator)) || top == string(filepath.Separator)
}

// noLimit is where a limit means none: cgroup v1 writes "no limit" as the
// largest int64 rounded down to a page, 9223372036854771712.
const noLimit = 1 << 62

// limitLeft returns limit - usage for the cgroup in dir, when it has a
// limit. A missing usage counts as none used.
func limitLeft(dir, limitFile, usageFile string) (float64, bool) {
	read := func(name string) (float64, bool) {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return 0, false
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		return v, err == nil // v2's "max" (no limit) does not parse
	}
	limit, ok := read(limitFile)
	if !ok || limit >= noLimit {
		return 0, false
	}
	used, _ := read(usageFile)
	return max(limit-used, 0), true
}

// cgroupMounts finds the cgroup v2 hierarchy and the v1 hierarchy with the
// memory controller in mountinfo, falling back to the conventional mount
// points under cgroupfs for those it does not list.
//
// A line of mountinfo is "ID PARENT MAJ:MIN ROOT POINT OPTIONS [TAGS...] -
// FSTYPE SOURCE SUPEROPTIONS" (proc(5)).
func cgroupMounts(mountinfo, cgroupfs string) (v2, v1 mount) {
	if b, err := os.ReadFile(mountinfo); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			fields := strings.Fields(line)
			sep := slices.Index(fields, "-")
			if sep < 5 || len(fields) < sep+4 {
				continue
			}
			m := mount{root: unescape(fields[3]), point: unescape(fields[4])}
			switch fstype, super := fields[sep+1], fields[sep+3]; {
			case fstype == "cgroup2" && v2.point == "":
				v2 = m
			case fstype == "cgroup" && v1.point == "" && slices.Contains(strings.Split(super, ","), "memory"):
				v1 = m
			}
		}
	}
	if v2.point == "" {
		v2 = mount{"/", cgroupfs}
	}
	if v1.point == "" {
		v1 = mount{"/", filepath.Join(cgroupfs, "memory")}
	}
	return v2, v1
}

// unescape undoes mountinfo's octal escapes of space, tab, newline and
// backslash (\040 for a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func meminfoAvailable(path string) float64 {
	f, err := os.Open(path)
	if err != nil {
		return Fallback
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err == nil && kb > 0 {
				return kb * 1024
			}
		}
	}
	return Fallback
}

// Check returns nil when need bytes fit in available bytes, and otherwise an
// error that says both: "needs about 1.1 TiB of memory; this machine has
// about 16.0 GiB available". Callers put their subject in front of it.
func Check(need, available float64) error {
	if need <= available {
		return nil
	}
	return fmt.Errorf("needs about %s of memory; this machine has about %s available", HumanBytes(need), HumanBytes(available))
}

// HumanBytes writes b in binary units with one decimal: "1.5 GiB".
func HumanBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
