// Package sysmem says how much memory this process may still use, so that
// commands can refuse work that cannot fit before allocating it.
package sysmem

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Fallback is assumed when the system does not say what it has.
const Fallback = 8 << 30

// Available returns the bytes this process may still use: MemAvailable on
// Linux, lowered to what a cgroup v2 (container) limit leaves, otherwise
// Fallback, a conservative guess.
func Available() float64 {
	return available("/proc/meminfo", "/sys/fs/cgroup")
}

func available(meminfo, cgroup string) float64 {
	avail := meminfoAvailable(meminfo)
	if left, ok := cgroupLeft(cgroup); ok && left < avail {
		return left
	}
	return avail
}

// cgroupLeft returns memory.max - memory.current of the cgroup v2 in dir,
// when it has a limit.
func cgroupLeft(dir string) (float64, bool) {
	read := func(name string) (float64, bool) {
		b, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			return 0, false
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		return v, err == nil // "max" (no limit) does not parse
	}
	limit, ok := read("memory.max")
	if !ok {
		return 0, false
	}
	used, _ := read("memory.current")
	return max(limit-used, 0), true
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
