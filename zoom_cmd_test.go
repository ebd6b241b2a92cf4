package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// zoomArgs is a tiny zoom: 4 frames of 32x18 from the whole set to 1e-30
// at c = i, so that the first two frames are float64's and the last two
// perturbation's.
var zoomArgs = []string{"zoom", "--center", "0,1", "--scale", "1e-30", "--frames", "4", "--size", "32x18", "-m", "400"}

// TestZoomFramesAreRenders: each frame of a zoom is, byte for byte, the
// standalone render of its view with the zoom's reference point and
// scale, and mandel --from renders it again; the scales are geometric.
func TestZoomFramesAreRenders(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, append(slices.Clone(zoomArgs), "-v", "DIR/f-%05d.png")...)
	if code != 0 {
		t.Fatalf("zoom: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"method direct", "method perturb", "zoom: 4 frames, 4 rendered"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v says\n%s\nwant %q", stderr, want)
		}
	}
	wantScales := []string{"4", "2.5198421e-10", "1.587401052e-20", "1e-30"}
	for k, scale := range wantScales {
		path := filepath.Join(dir, fmt.Sprintf("f-%05d.png", k))
		if got, _ := textValue(t, path, "mandel:scale"); got != scale {
			t.Errorf("frame %d: scale %s, want %s", k, got, scale)
		}
		frame := mustRead(t, path)
		standalone := mustRender(t, dir, fmt.Sprintf("DIR/s%d.png", k), "--center", "0,1", "--scale", scale, "--size", "32x18", "-m", "400",
			"--reference", "0,1", "--reference-scale", "1e-30")
		if !bytes.Equal(frame, standalone) {
			t.Errorf("frame %d differs from mandel --scale %s --reference 0,1 --reference-scale 1e-30", k, scale)
		}
		if again := mustRender(t, dir, fmt.Sprintf("DIR/g%d.png", k), "--from", path); !bytes.Equal(frame, again) {
			t.Errorf("frame %d: mandel --from renders other bytes", k)
		}
	}
}

// TestZoomResumes: a zoom run again renders only the frames that are
// missing, and keeps the others' files as they were; a file at a frame's
// name that this zoom did not write stops it, untouched.
func TestZoomResumes(t *testing.T) {
	dir := t.TempDir()
	args := append(slices.Clone(zoomArgs), "-v", "DIR/f-%05d.png")
	if code, _, stderr := mandel(t, dir, args...); code != 0 {
		t.Fatalf("zoom: exit %d: %s", code, stderr)
	}
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	paths := make([]string, 4)
	for k := range paths {
		paths[k] = filepath.Join(dir, fmt.Sprintf("f-%05d.png", k))
		if err := os.Chtimes(paths[k], old, old); err != nil {
			t.Fatal(err)
		}
	}
	want2 := mustRead(t, paths[2])
	os.Remove(paths[2])
	code, _, stderr := mandel(t, dir, args...)
	if code != 0 || !strings.Contains(stderr, "zoom: 4 frames, 1 rendered, 3 already written") {
		t.Fatalf("resumed zoom: exit %d:\n%s\nwant 1 rendered, 3 already written", code, stderr)
	}
	for k, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if again := fi.ModTime().Equal(old); again != (k != 2) {
			t.Errorf("frame %d: modified %v (an hour ago: %v)", k, fi.ModTime(), again)
		}
	}
	if !bytes.Equal(mustRead(t, paths[2]), want2) {
		t.Error("the frame rendered again differs from the first run's")
	}
	// Another zoom's frame (another maxiter) at frame 1's name.
	other := mustRender(t, dir, "DIR/other.png", "--center", "0,1", "--scale", "2.5198421e-10", "--size", "32x18", "-m", "99")
	if err := os.WriteFile(paths[1], other, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = mandel(t, dir, args...)
	if code != 1 || !strings.Contains(stderr, `f-00001.png" exists but is not frame 1 of this zoom`) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("a foreign frame: exit %d, %q; want exit 1 and one line", code, stderr)
	}
	if !bytes.Equal(mustRead(t, paths[1]), other) {
		t.Error("a foreign frame was replaced")
	}
}

// TestZoomResumeDamagedFrame: a frame of this zoom cut short or with a
// flipped bit in its image data is not taken as written: the zoom stops
// with one line naming it, and leaves it as it is.
func TestZoomResumeDamagedFrame(t *testing.T) {
	dir := t.TempDir()
	args := append(slices.Clone(zoomArgs), "DIR/f-%05d.png")
	if code, _, stderr := mandel(t, dir, args...); code != 0 {
		t.Fatalf("zoom: exit %d: %s", code, stderr)
	}
	path := filepath.Join(dir, "f-00002.png")
	good := mustRead(t, path)
	idat := bytes.Index(good, []byte("IDAT"))
	if idat < 0 {
		t.Fatal("no IDAT in the frame")
	}
	flipped := slices.Clone(good)
	flipped[idat+8] ^= 0x40
	for name, damaged := range map[string][]byte{
		"cut short":   good[:idat+(len(good)-idat)*3/4],
		"flipped bit": flipped,
	} {
		if err := os.WriteFile(path, damaged, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := mandel(t, dir, args...)
		if code != 1 || !strings.Contains(stderr, `f-00002.png" is frame 2 of this zoom but damaged`) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, %q; want exit 1 and one line saying frame 2 is damaged", name, code, stderr)
		}
		if !bytes.Equal(mustRead(t, path), damaged) {
			t.Errorf("%s: the damaged frame was replaced", name)
		}
	}
}

// TestZoomBadInput: mistakes are one-line errors, before any frame is
// written.
func TestZoomBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"DIR/f.png"}, 2, "put %05d in it"},
		{[]string{"DIR/f-%05d.jpg"}, 2, "mandel zoom writes PNG frames"},
		{[]string{"-"}, 2, "not -"},
		{nil, 2, "missing OUTPUT"},
		{[]string{"--video", "DIR/z.mp4", "--size", "33x18", "DIR/f-%05d.png"}, 2, "even width and height"},
		{[]string{"--video", "DIR/z.avi", "DIR/f-%05d.png"}, 2, "name it .mp4"},
		{[]string{"--frames", "0", "DIR/f-%05d.png"}, 2, "--frames"},
		{[]string{"--from-scale", "-1", "DIR/f-%05d.png"}, 2, "--from-scale"},
		{[]string{"--shard", "0/2", "DIR/f-%05d.png"}, 2, "--shard"},
		{[]string{"--reference", "0,1", "--reference-scale", "1e-20", "DIR/f-%05d.png"}, 2, "is larger than"},
		{[]string{"--from-scale", "1e-40", "--reference", "0,1", "--reference-scale", "1e-35", "DIR/f-%05d.png"}, 2, "larger than the deepest frame's scale 1e-40"},
		{[]string{"--method", "direct", "DIR/f-%05d.png"}, 2, "float64"},
		{[]string{"--reference", "2,0", "DIR/f-%05d.png"}, 2, "too far from the view's centre"},
		// A zoom out: the deepest frame is the first, checked before
		// anything is written as the last is.
		{[]string{"--scale", "1e-3", "--from-scale", "1e-30", "-m", "2000000", "--memory", "64MiB", "DIR/f-%05d.png"}, 2, "too small for perturbation at maxiter 2000000"},
		{[]string{"-V", "benchgame", "--scale", "1", "--from-scale", "1e-30", "--size", "16", "DIR/f-%05d.png"}, 2, "too deep for float64"},
		{[]string{"--frames", "1000000", "DIR/nodir/f-%07d.png"}, 1, `the folder "DIR/nodir" does not exist`},
	} {
		args := append([]string{"zoom", "--center", "0,1", "--scale", "1e-30", "--frames", "3", "--size", "32x18", "-m", "100"}, c.args...)
		code, _, stderr := mandel(t, dir, args...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, %q; want exit %d and one line with %q", c.args, code, stderr, c.code, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad command lines left %d files", len(entries))
	}
}

// runZoomWith runs mandel zoom args with ffmpeg as the program that
// --video starts.
func runZoomWith(t *testing.T, ffmpeg string, dir string, args ...string) (int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	a := testApp(&out, &errOut)
	a.ffmpeg = ffmpeg
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], "DIR/", dir+"/")
	}
	code := a.run(context.Background(), args)
	return code, strings.ReplaceAll(errOut.String(), dir, "DIR")
}

// TestZoomVideoErrors: without ffmpeg, --video says so in one line before
// rendering anything; an ffmpeg that fails is quoted, and leaves no video.
func TestZoomVideoErrors(t *testing.T) {
	dir := t.TempDir()
	args := func() []string {
		return append(slices.Clone(zoomArgs), "--video", "DIR/z.mp4", "DIR/f-%05d.png")
	}
	code, stderr := runZoomWith(t, "mandel-no-such-ffmpeg", dir, args()...)
	if code != 1 || !strings.Contains(stderr, "--video needs ffmpeg, which is not installed") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("ffmpeg missing: exit %d, %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("ffmpeg missing: %d files written", len(entries))
	}
	fake := filepath.Join(t.TempDir(), "ffmpeg")
	script := "#!/bin/sh\ncat >/dev/null\necho '[libx264 @ 0x1] broken encoder' >&2\nexit 1\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stderr = runZoomWith(t, fake, dir, args()...)
	if code != 1 || !strings.Contains(stderr, "ffmpeg failed writing DIR/z.mp4 (exit status 1): [libx264 @ 0x1] broken encoder") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("ffmpeg failing: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "z.mp4")); err == nil {
		t.Error("a failed ffmpeg left a video")
	}
	// An ffmpeg that stops before reading a frame: the writes fail (or
	// fill the pipe's buffer), and its own words are the error.
	quick := filepath.Join(filepath.Dir(fake), "ffmpeg-quick")
	if err := os.WriteFile(quick, []byte("#!/bin/sh\necho 'Unrecognized option crf' >&2\nexit 8\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	code, stderr = runZoomWith(t, quick, dir, args()...)
	if code != 1 || !strings.Contains(stderr, "ffmpeg failed writing DIR/z.mp4 (exit status 8): Unrecognized option crf") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("ffmpeg stopping at once: exit %d, %q", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 4 {
		t.Errorf("after a failed video: %d files, want the 4 frames", len(entries))
	}
}

// TestZoomVideo makes an MP4 with Debian's ffmpeg and checks it with
// ffprobe: frame count, size, codec and pixel format. The frames already
// written are read back into it. CI installs ffmpeg (.ci/run); make test
// says whether it ran (scripts/test-video.sh).
func TestZoomVideo(t *testing.T) {
	for _, p := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("the MP4 test did not run: %s is not installed (apt-get install ffmpeg)", p)
		}
	}
	dir := t.TempDir()
	args := append(slices.Clone(zoomArgs), "DIR/f-%05d.png")
	if code, _, stderr := mandel(t, dir, args...); code != 0 {
		t.Fatalf("zoom: exit %d: %s", code, stderr)
	}
	os.Remove(filepath.Join(dir, "f-00003.png"))
	args = append(slices.Clone(zoomArgs), "-v", "--video", "DIR/z.mp4", "--fps", "24", "DIR/f-%05d.png")
	code, _, stderr := mandel(t, dir, args...)
	if code != 0 || !strings.Contains(stderr, "1 rendered, 3 already written") {
		t.Fatalf("zoom --video: exit %d: %s", code, stderr)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-count_frames",
		"-show_entries", "stream=codec_name,width,height,pix_fmt,nb_read_frames,r_frame_rate", "-of", "default=noprint_wrappers=1",
		filepath.Join(dir, "z.mp4")).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	got := strings.Fields(string(out))
	slices.Sort(got)
	want := []string{"codec_name=h264", "height=18", "nb_read_frames=4", "pix_fmt=yuv420p", "r_frame_rate=24/1", "width=32"}
	if !slices.Equal(got, want) {
		t.Errorf("ffprobe says %q, want %q", got, want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 {
		t.Errorf("%d files, want the 4 frames and the video (no temporary file)", len(entries))
	}
}

// TestZoomInterrupted: a zoom stopped before its first frame exits 130
// and leaves no file, frame or video, behind.
func TestZoomInterrupted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	args := append(slices.Clone(zoomArgs), "--video", dir+"/z.mp4", dir+"/f-%05d.png")
	var stderr bytes.Buffer
	a := testApp(io.Discard, &stderr)
	a.ffmpeg = "true" // started, never fed: the video must not appear
	if code := a.run(ctx, args); code != exitInterrupted {
		t.Errorf("exit %d, want %d: %s", code, exitInterrupted, stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("an interrupted zoom left %d files", len(entries))
	}
}

// TestZoomInterruptedKeepsFrames: a zoom stopped after some of its frames
// are on disk says so, not "no output written", and keeps them.
func TestZoomInterruptedKeepsFrames(t *testing.T) {
	dir := t.TempDir()
	args := append(slices.Clone(zoomArgs), dir+"/f-%05d.png")
	if code, _, stderr := mandel(t, dir, args...); code != 0 {
		t.Fatalf("zoom: exit %d: %s", code, stderr)
	}
	if err := os.Remove(filepath.Join(dir, "f-00003.png")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stderr bytes.Buffer
	if code := testApp(io.Discard, &stderr).run(ctx, slices.Clone(args)); code != exitInterrupted {
		t.Errorf("exit %d, want %d: %s", code, exitInterrupted, stderr.String())
	}
	if want := "mandel: interrupted; 3 of 4 frames written and kept: run the same command to go on\n"; stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("%d files, want the 3 frames kept", len(entries))
	}
}

// TestZoomManyDeepFramesStop: a zoom of a million frames to 1e-10000
// stops at once when told to, before its first frame. Its scales were all
// computed before anything else, each printed by big.Float's Text at 12 ms
// a number: hours in which a stop was not seen.
func TestZoomManyDeepFramesStop(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- testApp(io.Discard, &stderr).run(ctx, []string{"zoom", "--center", "0,1", "--scale", "1e-10000", "--frames", "1000000",
			"--size", "8x6", "-m", "100", dir + "/f-%07d.png"})
	}()
	select {
	case code := <-done:
		if code != exitInterrupted {
			t.Errorf("exit %d, want %d: %s", code, exitInterrupted, stderr.String())
		}
	case <-time.After(60 * time.Second):
		// Not a timing: a stop that takes a minute was not seen.
		t.Fatal("a stopped zoom of a million frames to 1e-10000 still runs after a minute")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a stopped zoom left %d files", len(entries))
	}
}

// TestZoomOddFrameName: a frame's path is quoted in the zoom's messages, so
// that a newline in a folder's name cannot cut the message in two.
func TestZoomOddFrameName(t *testing.T) {
	dir := t.TempDir()
	odd := filepath.Join(dir, "a\nb")
	if err := os.Mkdir(odd, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(odd, "f-00000.png"), []byte("not a png"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := mandel(t, dir, append(slices.Clone(zoomArgs), "DIR/a\nb/f-%05d.png")...)
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, `"DIR/a\nb/f-00000.png" exists and is not a PNG`) {
		t.Errorf("exit %d, %q; want exit 1 and one line naming the frame quoted", code, stderr)
	}
}
