package main

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY returns the terminal end of a new pseudo-terminal, or skips.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock, n int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skipf("unlockpt: %v", errno)
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skipf("ptsname: %v", errno)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open the terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

// TestStdoutTerminal: binary image data is not dumped on a terminal, for -
// or for /dev/stdout.
func TestStdoutTerminal(t *testing.T) {
	tty := openPTY(t)
	for _, path := range []string{"-", "/dev/stdout"} {
		t.Run(path, func(t *testing.T) {
			var stderr bytes.Buffer
			cmd := command(t, t.TempDir(), "--size", "5x3", "-f", "ppm", path)
			cmd.Stdout, cmd.Stderr = tty, &stderr
			if code := exitCode(t, cmd); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			oneLine(t, stderr.String(), "standard output is a terminal")
		})
	}
	// In process too: the check looks at the writer run is given.
	var stderr bytes.Buffer
	if code := run([]string{"--size", "5x3", "-f", "ppm", "-"}, tty, &stderr); code != exitUsage {
		t.Errorf("run with a terminal: exit %d, want %d; stderr %q", code, exitUsage, stderr.String())
	}
}

// TestDeviceHintOnlyWhereDashWorks: a device refused by --trace or
// --cpuprofile, which do not take -, is not answered with "write to - for
// standard output" (which they then refuse too); --save-params, which
// takes -, is.
func TestDeviceHintOnlyWhereDashWorks(t *testing.T) {
	for _, tc := range []struct {
		flag string
		hint bool
	}{{"--trace", false}, {"--cpuprofile", false}, {"--save-params", true}} {
		dir := t.TempDir()
		code, _, stderr := mandel(t, dir, "--size", "4", tc.flag, "/dev/null", "DIR/o.png")
		if code != exitFailure || !bytes.Contains([]byte(stderr), []byte("not a regular file")) ||
			bytes.Contains([]byte(stderr), []byte(`write to "-"`)) != tc.hint {
			t.Errorf("%s /dev/null: exit %d, %q; want 1, and the hint about - %v", tc.flag, code, stderr, tc.hint)
		}
	}
}
