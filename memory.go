package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// fallbackMemory is assumed when the system does not say what it has.
const fallbackMemory = 8 << 30

// availableMemory returns the bytes a render may use. It is a variable so
// that tests can pin the machine's memory.
var availableMemory = systemMemory

// systemMemory returns the memory this process may still use: MemAvailable
// on Linux, lowered to what a cgroup (container) limit leaves, otherwise a
// conservative guess.
func systemMemory() float64 {
	avail := meminfoAvailable()
	if left, ok := cgroupLeft(); ok && left < avail {
		return left
	}
	return avail
}

// cgroupLeft returns memory.max - memory.current of this process's cgroup v2,
// when it has a limit.
func cgroupLeft() (float64, bool) {
	read := func(name string) (float64, bool) {
		b, err := os.ReadFile("/sys/fs/cgroup/" + name)
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

func meminfoAvailable() float64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return fallbackMemory
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
	return fallbackMemory
}

func humanBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", b, units[i])
}
