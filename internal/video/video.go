// Package video encodes frames into an MP4 file by piping them, as raw
// RGB, into ffmpeg: H.264 in yuv420p, which every player reads, with no
// temporary frame files.
package video

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options are what ffmpeg is told of the frames and the video.
type Options struct {
	// Width and Height are every frame's size in pixels; yuv420p needs
	// them even.
	Width, Height int
	// FPS is the frames per second, CRF x264's constant rate factor:
	// 0 lossless, 18 visually lossless, 51 worst.
	FPS, CRF int
	// Name is the video as the user named it, for messages.
	Name string
}

// NotFoundError is Find's error: no program of that name in $PATH.
type NotFoundError struct {
	Name string
	Err  error // exec.LookPath's
}

func (e *NotFoundError) Error() string { return e.Name + " not found in $PATH" }
func (e *NotFoundError) Unwrap() error { return e.Err }

// Find returns the path of the ffmpeg program name, or of ffmpeg itself
// when name is "", so that a missing ffmpeg is said before any frame is
// rendered.
func Find(name string) (string, error) {
	if name == "" {
		name = "ffmpeg"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", &NotFoundError{Name: name, Err: err}
	}
	return path, nil
}

// Encoder is an ffmpeg process that encodes the raw RGB frames written to
// its standard input into an MP4 file. Close or Abort ends it, and waits
// for it, whatever happened: Abort is safe after Close, and meant to be
// deferred.
type Encoder struct {
	cmd    *exec.Cmd // nil once waited for
	stdin  io.WriteCloser
	stderr *tailBuffer
	opts   Options
	err    error // the first failure, which Close returns again
}

// stderrTail is how much of ffmpeg's standard error a failure quotes:
// its last lines say why.
const stderrTail = 2048

// waitDelay bounds how long Wait waits for ffmpeg's standard error after
// ffmpeg exits or is killed: a child that it left holding the pipe must
// not keep mandel waiting.
const waitDelay = 2 * time.Second

// Start starts the ffmpeg at path (Find's) writing the video to out.
// ffmpeg writes out through descriptor 3, which it opens as /dev/fd/3, a
// seekable file, as the MP4 muxer needs (with +faststart it moves the
// index to the front at the end). ctx's end kills it.
func Start(ctx context.Context, path string, out *os.File, o Options) (*Encoder, error) {
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", o.Width, o.Height), "-framerate", strconv.Itoa(o.FPS), "-i", "pipe:0",
		"-c:v", "libx264", "-preset", "medium", "-crf", strconv.Itoa(o.CRF), "-pix_fmt", "yuv420p",
		"-movflags", "+faststart", "-f", "mp4", "-y", "/dev/fd/3"}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.ExtraFiles = []*os.File{out}
	cmd.WaitDelay = waitDelay
	tail := &tailBuffer{max: stderrTail}
	cmd.Stderr = tail
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	if err := cmd.Start(); err != nil {
		// Start closes the pipe it made when it fails.
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	return &Encoder{cmd: cmd, stdin: stdin, stderr: tail, opts: o}, nil
}

// WriteFrame writes one frame, rows of 8-bit RGB (ffmpeg's rgb24, as
// ReadPNG gives), Width x Height pixels. If ffmpeg stopped reading, its
// own message is the error.
func (e *Encoder) WriteFrame(rgb []byte) error {
	switch {
	case e.err != nil:
		return e.err
	case e.cmd == nil:
		return fmt.Errorf("video %s: a frame written after Close", e.opts.Name)
	case len(rgb) != 3*e.opts.Width*e.opts.Height:
		return fmt.Errorf("video %s: a frame of %d bytes, not %dx%d rgb24", e.opts.Name, len(rgb), e.opts.Width, e.opts.Height)
	}
	if _, err := e.stdin.Write(rgb); err != nil {
		return e.failed(e.cmd.Wait())
	}
	return nil
}

// Close ends ffmpeg's input and waits for it: nil when it wrote the
// video. Committing the file is the caller's.
func (e *Encoder) Close() error {
	if e.err != nil || e.cmd == nil {
		return e.err
	}
	e.stdin.Close()
	if err := e.cmd.Wait(); err != nil {
		return e.failed(err)
	}
	e.cmd = nil
	return nil
}

// Abort stops ffmpeg, if it runs, and waits for it. A Close or
// WriteFrame after it fails: the video it stopped is not whole.
func (e *Encoder) Abort() {
	if e.cmd == nil {
		return
	}
	e.stdin.Close()
	if e.cmd.Process != nil {
		e.cmd.Process.Kill()
	}
	e.cmd.Wait()
	e.cmd = nil
	e.err = fmt.Errorf("video %s: ffmpeg was stopped before the video was whole", e.opts.Name)
}

// failed records and returns the error of an ffmpeg that exited with err
// (and was waited for): the end of what it said, on one line.
func (e *Encoder) failed(err error) error {
	e.cmd = nil
	msg := strings.Join(strings.Fields(e.stderr.String()), " ")
	if msg == "" {
		msg = "no message"
	}
	if n := 400; len(msg) > n {
		msg = "..." + msg[len(msg)-n:]
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) && err != nil {
		e.err = fmt.Errorf("ffmpeg, writing %s: %v: %s", e.opts.Name, err, msg)
	} else {
		e.err = fmt.Errorf("ffmpeg failed writing %s (%v): %s", e.opts.Name, err, msg)
	}
	return e.err
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// ReadPNG reads the PNG at path as rows of 8-bit RGB, ffmpeg's rgb24,
// into buf (reused when it has room): a frame for WriteFrame. A decoding
// error does not name path: the caller names the frame, quoted as its
// messages quote paths.
func ReadPNG(path string, buf []byte) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	img, err := png.Decode(file)
	if err != nil {
		return nil, err
	}
	return RGB(img, buf), nil
}

// RGB appends img's pixels to buf[:0] as rows of 8-bit RGB. The alpha is
// dropped: mandel's pictures are opaque.
func RGB(img image.Image, buf []byte) []byte {
	b := img.Bounds()
	buf = buf[:0]
	switch m := img.(type) {
	case *image.Paletted:
		rgb := make([][3]byte, len(m.Palette))
		for i, c := range m.Palette {
			r, g, bl, _ := c.RGBA()
			rgb[i] = [3]byte{byte(r >> 8), byte(g >> 8), byte(bl >> 8)}
		}
		for _, p := range m.Pix {
			buf = append(buf, rgb[p][0], rgb[p][1], rgb[p][2])
		}
	case *image.RGBA:
		for i := 0; i < len(m.Pix); i += 4 {
			buf = append(buf, m.Pix[i], m.Pix[i+1], m.Pix[i+2])
		}
	case *image.NRGBA:
		// Opaque, where NRGBA is RGBA.
		for i := 0; i < len(m.Pix); i += 4 {
			buf = append(buf, m.Pix[i], m.Pix[i+1], m.Pix[i+2])
		}
	default:
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bl, _ := img.At(x, y).RGBA()
				buf = append(buf, byte(r>>8), byte(g>>8), byte(bl>>8))
			}
		}
	}
	return buf
}
