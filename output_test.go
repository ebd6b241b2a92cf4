//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mandel-project/mandel/render"
)

// runMainEnv makes the test binary run main instead of the tests, so that
// tests can run the command as a process: the signals, exit codes and
// descriptors 0, 1 and 2 are the process's own.
const runMainEnv = "MANDEL_TEST_RUN_MAIN"

func init() {
	if os.Getenv(runMainEnv) == "1" {
		main()
	}
}

// command returns the command line as a process of the test binary, with
// "DIR/" in args standing for dir.
func command(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "DIR/", dir+string(filepath.Separator))
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	return cmd
}

// exitCode runs cmd and returns its exit code, failing the test if it did
// not run or was killed.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return exit.ExitCode()
	default:
		t.Fatalf("%v: %v", cmd.Args, err)
		return -1
	}
}

// appendTo opens path, holding text, for appending, as a shell's >> does.
func appendTo(t *testing.T, path, text string) *os.File {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// oneLine checks that stderr is one line starting "mandel: " and holding want.
func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mandel: ") || !strings.HasSuffix(stderr, "\n") || !strings.Contains(stderr, want) {
		t.Errorf("stderr %q, want one line starting \"mandel: \" and holding %q", stderr, want)
	}
	if strings.Contains(stderr, ".tmp-") || strings.Contains(stderr, "atomicfile") {
		t.Errorf("stderr %q names the temporary file or a package", stderr)
	}
}

// ppm5x3 is the length of the output of --size 5x3 -f ppm.
const ppm5x3 = len("P6\n5 3\n255\n") + 5*3*3

// TestOutputIsStdout writes to paths that are standard output, which is
// log.txt opened for appending (mandel /dev/stdout >>log.txt): the image is
// appended to log.txt, which is not replaced.
func TestOutputIsStdout(t *testing.T) {
	for _, path := range []string{"/dev/stdout", "/proc/self/fd/1", "/dev/fd/1", "DIR/log.txt"} {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			log := filepath.Join(dir, "log.txt")
			stdout := appendTo(t, log, "log\n")
			if _, err := os.Stat(strings.ReplaceAll(path, "DIR/", dir+"/")); err != nil {
				t.Skipf("no %s here: %v", path, err)
			}
			var stderr bytes.Buffer
			cmd := command(t, dir, "--size", "5x3", "-f", "ppm", path)
			cmd.Stdout, cmd.Stderr = stdout, &stderr
			if code := exitCode(t, cmd); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			got := readFile(t, log)
			if !strings.HasPrefix(got, "log\nP6\n5 3\n255\n") || len(got) != len("log\n")+ppm5x3 {
				t.Errorf("log.txt holds %q, want \"log\\n\" and a 5x3 PPM", got)
			}
			if entries := dirEntries(t, dir); len(entries) != 1 {
				t.Errorf("directory holds %q", entries)
			}
		})
	}
}

// TestOutputIsStderr: standard error is where messages go, so writing the
// image there is refused; err.log keeps its content and gets the message.
func TestOutputIsStderr(t *testing.T) {
	for _, path := range []string{"/dev/stderr", "/proc/self/fd/2", "DIR/err.log"} {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			errLog := filepath.Join(dir, "err.log")
			stderr := appendTo(t, errLog, "err\n")
			if _, err := os.Stat(strings.ReplaceAll(path, "DIR/", dir+"/")); err != nil {
				t.Skipf("no %s here: %v", path, err)
			}
			var stdout bytes.Buffer
			cmd := command(t, dir, "--size", "5x3", "-f", "ppm", path)
			cmd.Stdout, cmd.Stderr = &stdout, stderr
			if code := exitCode(t, cmd); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			got := readFile(t, errLog)
			msg, ok := strings.CutPrefix(got, "err\n")
			if !ok {
				t.Fatalf("err.log holds %q, want it to start \"err\\n\"", got)
			}
			oneLine(t, msg, "standard error")
			if stdout.Len() != 0 {
				t.Errorf("wrote %d bytes to stdout", stdout.Len())
			}
		})
	}
}

// TestOutputIsOtherDescriptor: /dev/fd/3 leads to the file a shell opened
// for appending (3>>f3); it is refused, not replaced.
func TestOutputIsOtherDescriptor(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc/self/fd")
	}
	for _, path := range []string{"/dev/fd/3", "/proc/self/fd/3"} {
		t.Run(path, func(t *testing.T) {
			dir := t.TempDir()
			f3 := filepath.Join(dir, "f3")
			var stdout, stderr bytes.Buffer
			cmd := command(t, dir, "--size", "5x3", "-f", "ppm", path)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			cmd.ExtraFiles = []*os.File{appendTo(t, f3, "x\n")}
			if code := exitCode(t, cmd); code != exitFailure {
				t.Errorf("exit %d, want %d", code, exitFailure)
			}
			oneLine(t, stderr.String(), "open file descriptor")
			if got := readFile(t, f3); got != "x\n" {
				t.Errorf("f3 holds %q, want \"x\\n\"", got)
			}
			if entries := dirEntries(t, dir); len(entries) != 1 {
				t.Errorf("directory holds %q", entries)
			}
		})
	}
}

// TestClosedStdout: with standard output closed (>&-) the image has
// nowhere to go; >/dev/null is the user's choice and succeeds.
func TestClosedStdout(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil || runtime.GOOS != "linux" {
		t.Skip("needs sh, on Linux")
	}
	for _, tc := range []struct {
		redirect string
		code     int
	}{{">&-", exitFailure}, {">/dev/null", exitOK}} {
		t.Run(tc.redirect, func(t *testing.T) {
			cmd := command(t, t.TempDir(), "--size", "5x3", "-f", "ppm", "-")
			cmd.Args = append([]string{sh, "-c", `exec "$0" "$@" ` + tc.redirect}, cmd.Args...)
			cmd.Path = sh
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if code := exitCode(t, cmd); code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, stderr.String())
			}
			if tc.code == exitOK {
				if stderr.Len() != 0 {
					t.Errorf("stderr %q", stderr.String())
				}
				return
			}
			oneLine(t, stderr.String(), "standard output is closed")
		})
	}
}

// TestWriteProtectedOutput: a file its owner made read-only is refused,
// as cp refuses it, unless --force.
func TestWriteProtectedOutput(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ro.pgm")
	if err := os.WriteFile(path, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := mandel(t, dir, "--size", "5x3", "DIR/ro.pgm")
	if code != exitFailure || stdout != "" {
		t.Errorf("exit %d, stdout %q; want %d and nothing", code, stdout, exitFailure)
	}
	if want := "mandel: cannot overwrite \"DIR/ro.pgm\": write-protected (use --force)\n"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if got := readFile(t, path); got != "precious" {
		t.Errorf("the file changed to %q", got)
	}
	if entries := dirEntries(t, dir); len(entries) != 1 {
		t.Errorf("directory holds %q", entries)
	}

	if code, _, stderr := mandel(t, dir, "--force", "--size", "5x3", "DIR/ro.pgm"); code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	if got := readFile(t, path); !strings.HasPrefix(got, "P5\n5 3\n") {
		t.Errorf("--force: the file holds %q, want a PGM", got)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o444 {
		t.Errorf("--force: mode %v (%v), want it kept at 0444", fi.Mode(), err)
	}
}

// TestStickyDirectoryOtherOwner runs the command as one user on a file of
// another in a sticky directory, as in /tmp: the kernel will not let the
// rename replace it, so the command must say so before rendering, naming
// the user's path. It needs root to make the users.
func TestStickyDirectoryOtherOwner(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux to act as two users; TestReplaceError in internal/atomicfile covers the rule")
	}
	const me, other = 54321, 54322
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// The test binary's directory is private to root: copy it where the
	// other user can run it.
	base := t.TempDir()
	for _, d := range []string{filepath.Dir(base), base} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(base, "mandel.test")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	sticky := filepath.Join(base, "tmp")
	if err := os.Mkdir(sticky, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(sticky, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(sticky, "theirs.pgm")
	if err := os.WriteFile(theirs, []byte("precious"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(theirs, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, other, other); err != nil {
		t.Fatal(err)
	}

	var stderr bytes.Buffer
	cmd := exec.Command(bin, "--size", "5x3", theirs)
	cmd.Env = append(os.Environ(), runMainEnv+"=1")
	cmd.Stderr = &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: me, Gid: me}}
	if code := exitCode(t, cmd); code != exitFailure {
		t.Errorf("exit %d, want %d; stderr %q", code, exitFailure, stderr.String())
	}
	oneLine(t, stderr.String(), "create "+strconv.Quote(theirs)+": owned by another user in a sticky directory")
	if got := readFile(t, theirs); got != "precious" {
		t.Errorf("their file changed to %q", got)
	}
	if entries := dirEntries(t, sticky); len(entries) != 1 {
		t.Errorf("the sticky directory holds %q", entries)
	}
}

// startSlow starts a render that takes minutes unless stopped, onto
// DIR/out.png, which holds "precious", and returns once its temporary file
// exists.
func startSlow(t *testing.T) (cmd *exec.Cmd, dir string, stderr *bytes.Buffer) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out.png"), []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr = new(bytes.Buffer)
	cmd = command(t, dir, "--size", "2000", "-m", "100000", "-w", "2", "DIR/out.png")
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	// Not a timing claim: only a bound on waiting for a process that
	// failed to start its work.
	for deadline := time.Now().Add(time.Minute); len(dirEntries(t, dir)) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no temporary file appeared; stderr %q", stderr.String())
		}
	}
	return cmd, dir, stderr
}

// waitStopped waits for cmd and checks what a stop must leave: exit code
// want, one line on stderr, the old file and nothing else.
func waitStopped(t *testing.T, cmd *exec.Cmd, dir string, stderr *bytes.Buffer, want int, msg string) {
	t.Helper()
	checkStopped(t, cmd.Wait(), dir, stderr, want, msg)
}

// checkStopped checks what a stop must leave, given the process's end err.
func checkStopped(t *testing.T, err error, dir string, stderr *bytes.Buffer, want int, msg string) {
	t.Helper()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != want {
		t.Errorf("ended with %v, want exit %d", err, want)
	}
	oneLine(t, stderr.String(), msg)
	if strings.Contains(stderr.String(), "goroutine") {
		t.Errorf("stderr holds a goroutine dump")
	}
	if entries := dirEntries(t, dir); len(entries) != 1 || entries[0] != "out.png" {
		t.Errorf("directory holds %q, want only out.png", entries)
	}
	if got := readFile(t, filepath.Join(dir, "out.png")); got != "precious" {
		t.Errorf("out.png changed to %q", got)
	}
}

func skipIgnored(t *testing.T, sigs ...syscall.Signal) {
	t.Helper()
	for _, sig := range sigs {
		// Inherited by the process, which leaves it ignored, as nohup wants.
		if signal.Ignored(sig) {
			t.Skipf("%v is ignored in this process", sig)
		}
	}
}

// TestSignalStops sends each stopping signal to a render under way.
func TestSignalStops(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			skipIgnored(t, sig)
			cmd, dir, stderr := startSlow(t)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			waitStopped(t, cmd, dir, stderr, 128+int(sig), "interrupted")
		})
	}
}

// TestSecondSignal: a second signal stops at once, cleaning up, with its
// own code. The signals come once the render is under way, where each
// worker finishes its row before the first signal's clean stop: at -m 100000
// a row through the set takes a tenth of a second or more, far longer than
// the second signal takes to arrive.
func TestSecondSignal(t *testing.T) {
	skipIgnored(t, syscall.SIGINT, syscall.SIGTERM)
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc to see the render under way")
	}
	// The clean stop of the first signal takes milliseconds, and the second
	// signal, sent right after it, usually reaches the process first; but
	// now and then the clean stop gets as far as its message, or to its
	// exit (130), before the second signal is handled. Such a run says
	// nothing about the second signal, so the test tries again, a few
	// times. (When the second signal comes between the clean stop's
	// message and its exit, both lines are printed: a race left in.)
	const tries = 5
	for try := 1; ; try++ {
		cmd, dir, stderr := startSlow(t)
		waitCPU(t, cmd, 10)
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
		}
		err := cmd.Wait()
		if try < tries && strings.Contains(stderr.String(), "interrupted; no output written") {
			t.Logf("try %d: the clean stop got to its message before the second signal came (exit %v)", try, err)
			continue
		}
		checkStopped(t, err, dir, stderr, 128+int(syscall.SIGTERM), "second signal (terminated)")
		return
	}
}

// waitCPU waits until cmd's process has used ticks clock ticks of user CPU
// time (/proc/PID/stat), which only the render uses so much of.
func waitCPU(t *testing.T, cmd *exec.Cmd, ticks int) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid)
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		b, err := os.ReadFile(stat)
		if err != nil {
			t.Fatal(err)
		}
		// utime is the 14th field; the second, the command name in
		// parentheses, may hold spaces.
		fields := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		var utime int
		if len(fields) > 11 {
			fmt.Sscan(fields[11], &utime)
		}
		if utime >= ticks {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the render did not start; stderr %q", cmd.Stderr)
		}
	}
}

func TestSignalCode(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGHUP: 129, syscall.SIGINT: 130, syscall.SIGQUIT: 131, syscall.SIGTERM: 143} {
		if got := signalCode(sig); got != want {
			t.Errorf("signalCode(%v) = %d, want %d", sig, got, want)
		}
	}
	if got := signalCode(fakeSignal{}); got != exitInterrupted {
		t.Errorf("signalCode of a non-syscall signal = %d, want %d", got, exitInterrupted)
	}
}

type fakeSignal struct{}

func (fakeSignal) String() string { return "fake" }
func (fakeSignal) Signal()        {}

// TestWriteErrorNamesOutput renders more than the file size limit allows
// (ulimit -f, whose EFBIG stands for a full disk's ENOSPC): the message
// names OUTPUT, not the hidden temporary file, and none is left.
func TestWriteErrorNamesOutput(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs sh's ulimit -f and Go's ignored SIGXFSZ, as on Linux")
	}
	dir := t.TempDir()
	for _, name := range []string{"big.png", "big.ppm"} {
		cmd := command(t, dir, "--size", "300", "DIR/"+name)
		// Go ignores SIGXFSZ, so writes past the limit fail with EFBIG.
		cmd.Args = append([]string{"sh", "-c", `ulimit -f 1 && exec "$0" "$@"`, cmd.Path}, cmd.Args[1:]...)
		cmd.Path = "/bin/sh"
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if code := exitCode(t, cmd); code != exitFailure {
			t.Fatalf("%s: exit %d, want %d; stderr %q", name, code, exitFailure, stderr.String())
		}
		msg := strings.ReplaceAll(stderr.String(), dir+string(filepath.Separator), "DIR/")
		oneLine(t, msg, `"DIR/`+name+`": file too large`)
		if strings.Contains(msg, ".tmp-") {
			t.Errorf("%s: the message names the temporary file: %q", name, msg)
		}
	}
	if entries := dirEntries(t, dir); len(entries) != 0 {
		t.Errorf("left behind: %q", entries)
	}
}

// TestOutputCharacterDevice writes to character devices directly, as
// mandel -f png /dev/null does to time a render: renaming onto one would
// replace the device node. /dev/full fails in one line naming it.
func TestOutputCharacterDevice(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux's /dev/null and /dev/full")
	}
	for _, args := range [][]string{
		{"-f", "png", "--size", "40", os.DevNull},
		{"--size", "40", "-f", "pbm", os.DevNull},
		{"stitch", "-o", os.DevNull, "SHARD"},
	} {
		if args[0] == "stitch" {
			dir := t.TempDir()
			args[3] = renderShards(t, dir, 1, "--size", "12x8")[0]
		}
		if code, _, stderr := mandel(t, t.TempDir(), args...); code != exitOK {
			t.Errorf("%q: exit %d, %s", args, code, stderr)
		}
	}
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip(err)
	}
	code, _, stderr := mandel(t, t.TempDir(), "-f", "png", "--size", "40", "/dev/full")
	if code != exitFailure {
		t.Errorf("/dev/full: exit %d, want %d", code, exitFailure)
	}
	oneLine(t, stderr, `"/dev/full": no space left on device`)
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Errorf("%s is no longer a character device: %v, %v", os.DevNull, fi, err)
	}
}

// TestFreeSpace renders a PPM larger than its file system's free space: it
// is refused at once, in one line, with nothing left behind, rather than
// filling the disk before failing.
func TestFreeSpace(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the free space is checked on Linux")
	}
	dir := t.TempDir()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := float64(st.Bavail) * float64(st.Bsize)
	side := int(math.Sqrt(free*2/3)) + 1 // twice the free space, 3 bytes a pixel
	if side > render.MaxSide {
		t.Skipf("%v bytes free, more than the largest PPM", free)
	}
	// On today's code this would render for hours; the timeout makes it
	// a failure.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	size := fmt.Sprintf("%dx%d", side, side)
	// A newline in the path, which the message quotes, keeps it one line.
	if err := os.Mkdir(filepath.Join(dir, "a\nb"), 0o755); err != nil {
		t.Fatal(err)
	}
	code := runContext(ctx, []string{"--size", size, filepath.Join(dir, "a\nb", "big.ppm")}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	oneLine(t, strings.ReplaceAll(stderr.String(), dir, "DIR"), `"DIR/a\nb/big.ppm": not enough space: the `+size+" ppm takes ")
	if entries := dirEntries(t, filepath.Join(dir, "a\nb")); len(entries) != 0 {
		t.Errorf("left behind: %q", entries)
	}
}

// cancelOnWrite is standard output that stops the command once the first
// bytes reach it, as a Ctrl-C in the middle of mandel -f ppm - > out.ppm.
type cancelOnWrite struct {
	bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelOnWrite) Write(p []byte) (int, error) {
	c.cancel()
	return c.Buffer.Write(p)
}

// TestInterruptedStdout: an interruption after part of the image went to
// standard output says so, not "no output written".
func TestInterruptedStdout(t *testing.T) {
	forceStrips(t, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stdout := &cancelOnWrite{cancel: cancel}
	var stderr bytes.Buffer
	// 200x120 PPM is 72 kB: past the 64 kB buffer, in 30 strips.
	code := runContext(ctx, []string{"--size", "200x120", "-m", "20", "-f", "ppm", "-"}, stdout, &stderr)
	if code != exitInterrupted || stdout.Len() == 0 || stderr.String() != "mandel: interrupted; the image on standard output is incomplete\n" {
		t.Errorf("exit %d, %d bytes out, stderr %q; want %d, some bytes and the image called incomplete", code, stdout.Len(), stderr.String(), exitInterrupted)
	}
}
