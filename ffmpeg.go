package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// ffmpegPipe is an ffmpeg process that encodes the raw RGB frames written
// to its standard input into an MP4 file, whole or not at all: ffmpeg
// writes the temporary file of out (through descriptor 3, which it opens
// as /dev/fd/3, a seekable file, as the MP4 muxer needs), and finish
// commits it once ffmpeg succeeded.
type ffmpegPipe struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *tailBuffer
	out    *output
	name   string
	buf    []byte
	width  int
	height int
	frames int
}

// ffmpegStderrTail is how much of ffmpeg's standard error a failure
// quotes: its last lines say why.
const ffmpegStderrTail = 2048

// startFFmpeg starts ffmpeg for cfg's --video; a missing ffmpeg is an
// error that says so before any frame is rendered.
func (a *app) startFFmpeg(ctx context.Context, cfg *zoomConfig) (*ffmpegPipe, error) {
	name := a.ffmpeg
	if name == "" {
		name = "ffmpeg"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, fmt.Errorf("--video needs ffmpeg, which is not installed here (%s not found in $PATH); install it (Debian: apt-get install ffmpeg) or leave --video out", name)
	}
	out, err := openOutput(cfg.video, cfg.render.force, a.stdout, a.stderr)
	if err != nil {
		return nil, err
	}
	if out.file == nil {
		out.abort()
		return nil, fmt.Errorf("--video %q: not a file; ffmpeg writes an MP4 file", cfg.video)
	}
	v := cfg.render.job.View
	args := []string{"-hide_banner", "-nostdin", "-loglevel", "error",
		"-f", "rawvideo", "-pix_fmt", "rgb24", "-s", fmt.Sprintf("%dx%d", v.Width, v.Height), "-framerate", strconv.Itoa(cfg.fps), "-i", "pipe:0",
		"-c:v", "libx264", "-preset", "medium", "-crf", strconv.Itoa(cfg.crf), "-pix_fmt", "yuv420p",
		"-movflags", "+faststart", "-f", "mp4", "-y", "/dev/fd/3"}
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.ExtraFiles = append(cmd.ExtraFiles, out.file.Temp())
	tail := &tailBuffer{max: ffmpegStderrTail}
	cmd.Stderr = tail
	stdin, err := cmd.StdinPipe()
	if err != nil {
		out.abort()
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	if err := cmd.Start(); err != nil {
		out.abort()
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	return &ffmpegPipe{cmd: cmd, stdin: stdin, stderr: tail, out: out, name: cfg.video, width: v.Width, height: v.Height}, nil
}

// add writes the frame in the PNG at path to ffmpeg.
func (p *ffmpegPipe) add(path string) error {
	var err error
	if p.buf, err = readRGB(path, p.buf); err != nil {
		return fmt.Errorf("--video: reading frame %s: %w", path, err)
	}
	if len(p.buf) != 3*p.width*p.height {
		return fmt.Errorf("--video: frame %s is not %dx%d", path, p.width, p.height)
	}
	if _, err := p.stdin.Write(p.buf); err != nil {
		// ffmpeg stopped reading: its own message says why.
		return p.failed(p.cmd.Wait())
	}
	p.frames++
	return nil
}

// finish ends ffmpeg's input, waits for it, and commits the video.
func (p *ffmpegPipe) finish() error {
	p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		return p.failed(err)
	}
	p.cmd = nil
	if err := p.out.file.Commit(); err != nil {
		return fmt.Errorf("--video: %w", err)
	}
	return nil
}

// failed is the error of an ffmpeg that exited with err: the end of what
// it said, on one line.
func (p *ffmpegPipe) failed(err error) error {
	p.cmd = nil
	msg := strings.Join(strings.Fields(p.stderr.String()), " ")
	if msg == "" {
		msg = "no message"
	}
	if n := 400; len(msg) > n {
		msg = "..." + msg[len(msg)-n:]
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) && err != nil {
		return fmt.Errorf("ffmpeg, writing %s: %v: %s", p.name, err, msg)
	}
	return fmt.Errorf("ffmpeg failed writing %s (%v): %s", p.name, err, msg)
}

// abort stops ffmpeg, if it runs, and removes the unfinished video.
func (p *ffmpegPipe) abort() {
	if p.cmd != nil {
		p.stdin.Close()
		if p.cmd.Process != nil {
			p.cmd.Process.Kill()
		}
		p.cmd.Wait()
		p.cmd = nil
	}
	p.out.abort()
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
