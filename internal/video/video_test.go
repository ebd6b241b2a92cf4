package video

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: exec copies
// ffmpeg's standard error on one until the process is waited for.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeFFmpeg writes a shell script that stands in for ffmpeg.
func fakeFFmpeg(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ffmpeg")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// outFile is the file the video is written to, as the command's
// temporary file is.
func outFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "z.mp4"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

var opts = Options{Width: 4, Height: 2, FPS: 24, CRF: 18, Name: "z.mp4"}

// TestEncoderPipes: ffmpeg gets the frames on its standard input, in
// order, the output file as descriptor 3, and arguments that describe
// rgb24 frames of the size and rate given and ask for H.264 in yuv420p.
func TestEncoderPipes(t *testing.T) {
	args := filepath.Join(t.TempDir(), "args")
	t.Setenv("VIDEO_TEST_ARGS", args)
	ffmpeg := fakeFFmpeg(t, `echo "$@" > "$VIDEO_TEST_ARGS"; cat > /dev/fd/3`)
	out := outFile(t)
	e, err := Start(context.Background(), ffmpeg, out, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Abort()
	var want []byte
	for k := range 3 {
		frame := bytes.Repeat([]byte{byte(k)}, 3*4*2)
		if err := e.WriteFrame(frame); err != nil {
			t.Fatal(err)
		}
		want = append(want, frame...)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(out.Name()); !bytes.Equal(got, want) {
		t.Errorf("the output file holds %d bytes, want the 3 frames' %d", len(got), len(want))
	}
	got, _ := os.ReadFile(args)
	for _, w := range []string{"-f rawvideo -pix_fmt rgb24 -s 4x2 -framerate 24 -i pipe:0", "-c:v libx264", "-crf 18 -pix_fmt yuv420p", "-f mp4 -y /dev/fd/3"} {
		if !strings.Contains(string(got), w) {
			t.Errorf("ffmpeg's arguments %q lack %q", got, w)
		}
	}
	if err := e.WriteFrame(make([]byte, 24)); err == nil {
		t.Error("a frame written after Close was taken")
	}
}

// TestEncoderFails: an ffmpeg that fails is quoted, on one line, from
// Close, or from WriteFrame when it stopped reading first; a frame of the
// wrong size is refused before ffmpeg sees it.
func TestEncoderFails(t *testing.T) {
	for _, c := range []struct{ name, script, want string }{
		{"at the end", "cat >/dev/null\necho '[libx264 @ 0x1] broken'\necho 'encoder' >&2\nexit 1\n",
			"ffmpeg failed writing z.mp4 (exit status 1): encoder"},
		{"at once", "echo 'Unrecognized option crf' >&2\nexit 8\n",
			"ffmpeg failed writing z.mp4 (exit status 8): Unrecognized option crf"},
		{"silently", "exit 3\n", "ffmpeg failed writing z.mp4 (exit status 3): no message"},
	} {
		e, err := Start(context.Background(), fakeFFmpeg(t, c.script), outFile(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		// Enough frames to fill the pipe of an ffmpeg that reads none.
		for range 10_000 {
			if err = e.WriteFrame(make([]byte, 24)); err != nil {
				break
			}
		}
		if cerr := e.Close(); err == nil {
			err = cerr
		} else if cerr != err {
			t.Errorf("%s: Close said %v after WriteFrame's %v", c.name, cerr, err)
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		e.Abort()
	}
	e, err := Start(context.Background(), fakeFFmpeg(t, "cat >/dev/null\n"), outFile(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Abort()
	if err := e.WriteFrame(make([]byte, 25)); err == nil || !strings.Contains(err.Error(), "a frame of 25 bytes, not 4x2 rgb24") {
		t.Errorf("a short frame: %v", err)
	}
}

// TestEncoderAbort: Abort stops an ffmpeg that would run for ever, and
// waits for it, and Close then fails; so does the end of the context.
func TestEncoderAbort(t *testing.T) {
	e, err := Start(context.Background(), fakeFFmpeg(t, "exec sleep 1000\n"), outFile(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	pid := e.cmd.Process.Pid
	e.Abort()
	e.Abort() // twice is harmless
	// Close after Abort must not say the video was written: a caller
	// would commit the half-written file.
	if err := e.Close(); err == nil || !strings.Contains(err.Error(), "stopped before the video was whole") {
		t.Errorf("Close after Abort: %v, want an error", err)
	}
	// Reaped: no such process, not even a zombie.
	if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
		t.Errorf("ffmpeg (pid %d) is still there after Abort", pid)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e, err = Start(ctx, fakeFFmpeg(t, "exec sleep 1000\n"), outFile(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := e.Close(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Close after the context ended: %v", err)
	}
}

// TestFind: a missing program is a NotFoundError that names it.
func TestFind(t *testing.T) {
	_, err := Find("mandel-no-such-ffmpeg")
	var nf *NotFoundError
	if !errors.As(err, &nf) || err.Error() != "mandel-no-such-ffmpeg not found in $PATH" || !errors.Is(err, exec.ErrNotFound) {
		t.Errorf("Find of a missing program: %v", err)
	}
	fake := fakeFFmpeg(t, "exit 0\n")
	if path, err := Find(fake); err != nil || path != fake {
		t.Errorf("Find(%s) = %s, %v", fake, path, err)
	}
}

// TestReadPNG: a frame is the PNG's pixels as rgb24, for the paletted
// pictures of aa 1, the RGBA ones of supersampling, and any other kind.
func TestReadPNG(t *testing.T) {
	const w, h = 5, 3
	pal := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.RGBA{1, 2, 3, 255}, color.RGBA{200, 100, 50, 255}, color.Black})
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	nrgba := image.NewNRGBA(image.Rect(0, 0, w, h))
	gray := image.NewGray16(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			pal.SetColorIndex(x, y, uint8((x+y)%3))
			rgba.Set(x, y, color.RGBA{uint8(10 * x), uint8(20 * y), uint8(x * y), 255})
			nrgba.Set(x, y, color.NRGBA{uint8(30 * x), uint8(40 * y), 7, 255})
			gray.Set(x, y, color.Gray16{uint16(4000 * (x + y))})
		}
	}
	dir := t.TempDir()
	var buf []byte
	for i, img := range []image.Image{pal, rgba, nrgba, gray} {
		path := filepath.Join(dir, strconv.Itoa(i)+".png")
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		var want []byte
		for y := range h {
			for x := range w {
				r, g, bl, _ := img.At(x, y).RGBA()
				want = append(want, byte(r>>8), byte(g>>8), byte(bl>>8))
			}
		}
		var err error
		if buf, err = ReadPNG(path, buf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf, want) {
			t.Errorf("%T: ReadPNG differs from the decoded pixels", img)
		}
	}
	if _, err := ReadPNG(filepath.Join(dir, "none.png"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing frame: %v", err)
	}
	// A bad frame's error leaves the path to the caller, which quotes it:
	// a newline in it would otherwise cut the caller's one-line message.
	odd := filepath.Join(dir, "a\nb.png")
	if err := os.WriteFile(odd, []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadPNG(odd, nil); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("a bad frame: %q, want an error on one line", err)
	}
}
