package main

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/internal/cli"
	"github.com/mandel-project/mandel/strategies"
)

// renderShards renders shards 0..n-1 of the view args describes into dir,
// each with another strategy and number of workers, and returns their paths
// in reverse order, as a shell's glob would not give them.
func renderShards(t *testing.T, dir string, n int, args ...string) []string {
	t.Helper()
	names := strategies.Names()
	var paths []string
	for i := range n {
		out := filepath.Join(dir, fmt.Sprintf("shard-%d.png", i))
		cmd := append(slices.Clone(args), "--shard", fmt.Sprintf("%d/%d", i, n),
			"-s", names[i%len(names)], "-w", fmt.Sprint(1+i%3), filepath.Join(dir, "shard-%d.png"))
		if code, _, stderr := mandel(t, dir, cmd...); code != 0 {
			t.Fatalf("shard %d: exit %d: %s", i, code, stderr)
		}
		paths = append([]string{out}, paths...)
	}
	return paths
}

// TestStitchIsTheWholeRender renders views whole and in shards, and wants
// the stitched shards to be the whole render's bytes: with a shard count
// that divides the height and others, paletted and RGB (aa > 1), and the
// Benchmarks Game's mapping.
func TestStitchIsTheWholeRender(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		args []string
	}{
		{"4 of 64 rows", 4, []string{"--view", "tophalf", "--size", "53x64"}},
		{"4 of 61 rows", 4, []string{"--view", "seahorse", "--size", "97x61", "--palette", "fire"}},
		{"3 with aa", 3, []string{"--size", "40x31", "--aa", "2"}},
		{"one", 1, []string{"--size", "20x9"}},
		{"a row each", 9, []string{"--size", "20x9", "--maxiter", "60"}},
		{"benchgame", 5, []string{"--view", "benchgame", "--size", "33x47"}},
		// Shards in strips of 4 rows, as a shard over its --memory renders.
		{"shards in strips", 3, []string{"--view", "seahorse", "--size", "41x37", "strips"}},
		// A deep zoom, by perturbation: the headers carry the centre's
		// 60 digits and the scale of 1e-400 exactly.
		{"deep", 3, []string{"--center", "0,1.000000000000000000000000000000000000000000000000000000000001", "--scale", "1e-400", "--size", "30x21", "--maxiter", "3000"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			strips := c.args[len(c.args)-1] == "strips"
			if strips {
				c.args = c.args[:len(c.args)-1]
			}
			whole := filepath.Join(dir, "whole.png")
			if code, _, stderr := mandel(t, dir, append(slices.Clone(c.args), whole)...); code != 0 {
				t.Fatalf("whole: %s", stderr)
			}
			want, err := os.ReadFile(whole)
			if err != nil {
				t.Fatal(err)
			}
			if strips {
				forceStrips(t, 4)
			}
			shards := renderShards(t, dir, c.n, c.args...)
			for _, w := range []string{"1", "3"} {
				out := filepath.Join(dir, "stitched"+w+".png")
				if code, stdout, stderr := mandel(t, dir, append([]string{"stitch", "-w", w, "-o", out}, shards...)...); code != 0 || stdout != "" || stderr != "" {
					t.Fatalf("stitch: exit %d: %q %q", code, stdout, stderr)
				}
				if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
					t.Fatalf("-w %s: the stitched image (%d bytes) differs from the whole render (%d bytes)", w, len(got), len(want))
				}
			}
		})
	}
}

// TestShardText reads a shard's tEXt chunks.
func TestShardText(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := mandel(t, dir, "--center=-0.5,0.25", "--scale", "0.1", "--size", "30x10", "--escape", "4",
		"--aa", "2", "--palette", "ocean", "-m", "300", "--shard", "2/3", "DIR/s-%d.png"); code != 0 {
		t.Fatal(stderr)
	}
	f, err := os.Open(filepath.Join(dir, "s-2.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := imageio.NewPNGReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want := []imageio.PNGText{
		{Key: "mandel:version", Value: version}, {Key: "mandel:size", Value: "30x10"},
		{Key: "mandel:center", Value: "-0.5,0.25"}, {Key: "mandel:scale", Value: "0.1"},
		{Key: "mandel:maxiter", Value: "300"}, {Key: "mandel:escape", Value: "4"},
		{Key: "mandel:mapping", Value: "centres"}, {Key: "mandel:aa", Value: "2"},
		{Key: "mandel:palette", Value: "ocean"}, {Key: "mandel:shard", Value: "2/3"},
		{Key: "mandel:rows", Value: "6-9"}, {Key: "mandel:view", Value: "full"},
		{Key: "Software", Value: "mandel " + version},
	}
	if got := d.Info().Text; !slices.Equal(got, want) {
		t.Errorf("text\n%q\nwant\n%q", got, want)
	}
	if info := d.Info(); info.Width != 30 || info.Height != 4 {
		t.Errorf("shard is %dx%d, want 30x4", info.Width, info.Height)
	}
}

// TestStitchRefuses gives stitch bad shards: each is one line naming the
// file at fault, exit 1, and no output.
func TestStitchRefuses(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--size", "40x30", "--maxiter", "100"}
	good := renderShards(t, dir, 3, args...)
	slices.Reverse(good) // shard-0, shard-1, shard-2
	// shard renders to name, whose %d is 1 for the shards (each shard 1
	// of its render).
	shard := func(name string, extra ...string) string {
		t.Helper()
		out := filepath.Join(dir, name)
		if code, _, stderr := mandel(t, dir, append(append(slices.Clone(args), extra...), out)...); code != 0 {
			t.Fatal(stderr)
		}
		return strings.ReplaceAll(out, "%d", "1")
	}
	data, err := os.ReadFile(good[1])
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	corrupt := bytes.Clone(data)
	corrupt[len(corrupt)-40] ^= 1 // in the image data
	copy1 := write("copy-of-1.png", data)
	other := shard("other-%d.png", "--maxiter", "99", "--shard", "1/3")
	tall := shard("tall-%d.png", "--size", "40x31", "--shard", "1/3")
	four := shard("four-%d.png", "--shard", "1/4")
	plain := shard("plain.png")
	fire := shard("fire-%d.png", "--palette", "fire", "--shard", "1/3")
	// Shard 1 of 3 of 30 rows, its text but for rows 11-20, not 10-19.
	shifted := filepath.Join(dir, "shifted.png")
	{
		f, err := os.Open(good[1])
		if err != nil {
			t.Fatal(err)
		}
		d, err := imageio.NewPNGReader(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		text := slices.Clone(d.Info().Text)
		for i := range text {
			if text[i].Key == "mandel:rows" {
				text[i].Value = "11-20"
			}
		}
		var buf bytes.Buffer
		pw, err := imageio.NewPNGWriter(&buf, 40, 10, color.GrayModel, imageio.PNGOptions{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if err := pw.WriteRows(image.NewGray(image.Rect(0, 0, 40, 10))); err != nil {
			t.Fatal(err)
		}
		if err := pw.Close(); err != nil {
			t.Fatal(err)
		}
		write("shifted.png", buf.Bytes())
	}
	for _, c := range []struct {
		name  string
		files []string
		blame string // the file the message names
	}{
		{"missing", []string{good[0], good[2]}, "missing shard 1 of 3"},
		{"doubled", []string{good[0], good[1], copy1, good[2]}, "copy-of-1.png"},
		{"other view", []string{good[0], other, good[2]}, "other-1.png"},
		{"other size", []string{good[0], tall, good[2]}, "tall-1.png"},
		{"other count", []string{good[0], four, good[2]}, "four-1.png"},
		{"other palette", []string{good[0], fire, good[2]}, "fire-1.png"},
		{"not a shard", []string{good[0], plain, good[2]}, "plain.png"},
		{"rows not its shard's", []string{good[0], shifted, good[2]}, "shifted.png"},
		{"corrupt", []string{good[0], write("corrupt.png", corrupt), good[2]}, "corrupt.png"},
		{"truncated header", []string{good[0], write("t1.png", data[:30]), good[2]}, "t1.png"},
		{"truncated data", []string{good[0], write("t2.png", data[:len(data)/2]), good[2]}, "t2.png"},
		{"truncated end", []string{good[0], write("t3.png", data[:len(data)-6]), good[2]}, "t3.png"},
		{"no such file", []string{good[0], filepath.Join(dir, "nosuch.png"), good[2]}, "nosuch.png"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, "out.png")
			code, stdout, stderr := mandel(t, dir, append([]string{"stitch", "-o", out}, c.files...)...)
			if code != exitFailure || stdout != "" {
				t.Errorf("exit %d, stdout %q; want exit 1", code, stdout)
			}
			oneLine(t, stderr, c.blame)
			if _, err := os.Stat(out); err == nil {
				t.Error("wrote the output")
			}
		})
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"given twice", []string{"-o", "DIR/out.png", good[0], good[1], good[1], good[2]}, "given twice"},
		{"given twice by another name", []string{"-o", "DIR/out.png", good[0], good[1], filepath.Join(dir, ".", "shard-1.png"), good[2]}, "given twice"},
		{"output is a shard", []string{"-o", good[2], good[0], good[1], good[2]}, "both a shard and the output"},
		{"no output", []string{good[0]}, "missing -o"},
		{"not png", []string{"-o", "DIR/out.jpg", good[0]}, "writes a PNG"},
		{"no shards", []string{"-o", "DIR/out.png"}, "no shard files"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := mandel(t, dir, append([]string{"stitch"}, c.args...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2", code)
			}
			oneLine(t, stderr, c.want)
			if _, err := os.Stat(filepath.Join(dir, "out.png")); err == nil {
				t.Error("wrote the output")
			}
		})
	}
}

func TestStitchHelp(t *testing.T) {
	code, stdout, _ := mandel(t, t.TempDir(), "stitch", "--help")
	if code != 0 || !strings.Contains(stdout, "mandel stitch -o OUTPUT.png SHARD.png...") || !strings.Contains(stdout, "--workers") {
		t.Fatalf("exit %d, help %q", code, stdout)
	}
}

// shardEnv is an environment of the given variables.
func shardEnv(kv ...string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == name {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

// TestShardSources resolves the shard from flags and environments.
func TestShardSources(t *testing.T) {
	slurm := []string{"SLURM_ARRAY_TASK_ID", "6", "SLURM_ARRAY_TASK_MIN", "4", "SLURM_ARRAY_TASK_MAX", "7", "SLURM_ARRAY_TASK_COUNT", "4"}
	for _, c := range []struct {
		name         string
		args         []string
		env          []string
		index, count int    // count 0: no shard
		err          string // a usage error holding this
	}{
		{"none", nil, nil, 0, 0, ""},
		{"flag", []string{"--shard", "2/5"}, nil, 2, 5, ""},
		{"flag wins over slurm", []string{"--shard", "0/2"}, slurm, 0, 2, ""},
		{"flag wins over garbage", []string{"--shard", "0/2"}, []string{"SLURM_ARRAY_TASK_ID", "x"}, 0, 2, ""},
		{"slurm min max", []string{"--shard", "env"}, slurm, 2, 4, ""},
		{"slurm not asked", nil, slurm, 0, 0, ""},
		{"min without max", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "4"}, 0, 0, "without SLURM_ARRAY_TASK_MAX"},
		{"slurm count only", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "3"}, 1, 3, ""},
		{"slurm with --shards", []string{"--shards", "4"}, slurm, 2, 4, ""},
		{"indexed job", []string{"--shards", "3"}, []string{"JOB_COMPLETION_INDEX", "2"}, 2, 3, ""},
		{"indexed job without --shards", nil, []string{"JOB_COMPLETION_INDEX", "2"}, 0, 0, ""},
		{"slurm over indexed job", []string{"--shards", "4"}, append(slices.Clone(slurm), "JOB_COMPLETION_INDEX", "0"), 2, 4, ""},
		{"garbage id", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "two", "SLURM_ARRAY_TASK_COUNT", "3"}, 0, 0, `SLURM_ARRAY_TASK_ID="two"`},
		{"garbage count", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "-3"}, 0, 0, "SLURM_ARRAY_TASK_COUNT"},
		{"garbage index", []string{"--shards", "3"}, []string{"JOB_COMPLETION_INDEX", "1.5"}, 0, 0, "JOB_COMPLETION_INDEX"},
		{"id without count", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "1"}, 0, 0, "without SLURM_ARRAY_TASK_COUNT"},
		{"array with a step", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_MIN", "0", "SLURM_ARRAY_TASK_MAX", "12", "SLURM_ARRAY_TASK_COUNT", "4"}, 0, 0, "without a step"},
		{"id past count", []string{"--shard", "env"}, []string{"SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "3"}, 0, 0, "must be in 0..2"},
		{"--shards disagrees with slurm", []string{"--shards", "5"}, slurm, 0, 0, "--shards 5"},
		{"--shards disagrees with --shard", []string{"--shards", "5", "--shard", "1/4"}, nil, 0, 0, "disagree"},
		{"--shards alone", []string{"--shards", "5"}, nil, 0, 0, "needs the shard's index"},
		{"--shards 0", []string{"--shards", "0"}, nil, 0, 0, "at least 1"},
		{"index past count", []string{"--shard", "4/4"}, nil, 0, 0, "must be in 0..3"},
		{"no shards", []string{"--shard", "0/0"}, nil, 0, 0, "at least 1"},
		{"more shards than rows", []string{"--shard", "0/11"}, nil, 0, 0, "each shard needs a row"},
		{"negative", []string{"--shard", "-1/4"}, nil, 0, 0, "must be in 0..3"},
		{"garbage flag", []string{"--shard", "1of4"}, nil, 0, 0, "want i/n"},
		{"plus sign", []string{"--shard", "+1/4"}, nil, 0, 0, "want i/n"},
		{"not png", []string{"--shard", "1/4", "--format", "jpeg"}, nil, 0, 0, "shards are PNG files"},
		{"env without an environment", []string{"--shard", "env"}, nil, 0, 0, "--shard env: the environment names no shard"},
		{"slurm not png", []string{"--shard", "env", "--format", "ppm"}, slurm, 0, 0, "SLURM_ARRAY_TASK_ID=6: shards are PNG"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newRenderFlags(testApp(io.Discard, io.Discard))
			f.env = shardEnv(c.env...)
			if err := cli.Parse(f.fs, append(slices.Clone(c.args), "--size", "10", "out-%d.png")); err != nil {
				t.Fatal(err)
			}
			cfg, err := f.config()
			if c.err != "" {
				var usage cli.UsageError
				if err == nil || !strings.Contains(err.Error(), c.err) || !errors.As(err, &usage) {
					t.Fatalf("error %v, want a usage error holding %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			switch s := cfg.shard; {
			case c.count == 0 && s != nil:
				t.Fatalf("shard %d/%d, want none", s.Index, s.Count)
			case c.count == 0:
				if cfg.output != "out-%d.png" {
					t.Fatalf("output %q, want it as given", cfg.output)
				}
			case s == nil || s.Index != c.index || s.Count != c.count:
				t.Fatalf("shard %+v, want %d/%d", s, c.index, c.count)
			default:
				if want := fmt.Sprintf("out-%d.png", c.index); cfg.output != want {
					t.Fatalf("output %q, want %q", cfg.output, want)
				}
			}
		})
	}
}

// TestShardFromSlurmEnvironment runs the command with a Slurm array task's
// environment, as sbatch --array=0-1 sets it, read by os.LookupEnv.
func TestShardFromSlurmEnvironment(t *testing.T) {
	testEnv = os.LookupEnv
	t.Cleanup(func() { testEnv = noEnv })
	dir := t.TempDir()
	t.Setenv("SLURM_ARRAY_TASK_MIN", "0")
	t.Setenv("SLURM_ARRAY_TASK_MAX", "1")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "2")
	for _, id := range []string{"0", "1"} {
		t.Setenv("SLURM_ARRAY_TASK_ID", id)
		if code, _, stderr := mandel(t, dir, "--shard", "env", "--size", "12x8", "DIR/s-%d.png"); code != 0 {
			t.Fatal(stderr)
		}
	}
	if code, _, stderr := mandel(t, dir, "stitch", "-o", "DIR/st.png", "DIR/s-0.png", "DIR/s-1.png"); code != 0 {
		t.Fatal(stderr)
	}
	// Without --shard env the task renders the whole frame, as an array
	// of one frame per task needs.
	if code, _, stderr := mandel(t, dir, "--size", "12x8", "DIR/whole.png"); code != 0 {
		t.Fatal(stderr)
	}
	if cfg, err := decodePNGConfig(filepath.Join(dir, "whole.png")); err != nil || cfg.Width != 12 || cfg.Height != 8 {
		t.Errorf("a render in a Slurm array task without --shard env: %+v, %v; want the whole 12x8 frame", cfg, err)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "garbage")
	code, _, stderr := mandel(t, dir, "--shard", "env", "--size", "12x8", "DIR/g-%d.png")
	if code != exitUsage {
		t.Errorf("garbage in the environment: exit %d, want 2", code)
	}
	oneLine(t, stderr, "SLURM_ARRAY_TASK_ID")
}

// decodePNGConfig reads the size of the PNG at path.
func decodePNGConfig(path string) (image.Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return image.Config{}, err
	}
	defer f.Close()
	return png.DecodeConfig(f)
}

// TestShardOutputNames refuses an OUTPUT that every shard would write, and
// gives printf's widths their meaning.
func TestShardOutputNames(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := mandel(t, dir, "--shard", "1/2", "--size", "12x8", "DIR/s.png")
	if code != exitUsage {
		t.Errorf("--shard 1/2 s.png: exit %d, want 2", code)
	}
	oneLine(t, stderr, `every shard would write "DIR/s.png"`)
	if _, err := os.Stat(filepath.Join(dir, "s.png")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("s.png was written: %v", err)
	}
	for _, i := range []string{"0", "1"} {
		if code, _, stderr := mandel(t, dir, "--shard", i+"/2", "--size", "12x8", "DIR/s-%05d.png"); code != 0 {
			t.Fatal(stderr)
		}
	}
	if code, _, stderr := mandel(t, dir, "stitch", "-o", "DIR/st.png", "DIR/s-00000.png", "DIR/s-00001.png"); code != 0 {
		t.Fatal(stderr)
	}
}

// TestStitchWorkersRange gives stitch the worker counts that render
// refuses: both refuse them, with the same message.
func TestStitchWorkersRange(t *testing.T) {
	dir := t.TempDir()
	shards := renderShards(t, dir, 1, "--size", "12x8")
	for _, w := range []string{"0", "-3", "100000000"} {
		rcode, _, rerr := mandel(t, dir, "-w", w, "DIR/o.png")
		scode, _, serr := mandel(t, dir, "stitch", "-w", w, "-o", "DIR/st.png", shards[0])
		if rcode != exitUsage || scode != exitUsage || rerr != serr {
			t.Errorf("-w %s: render exit %d %q, stitch exit %d %q; want both 2 with one message", w, rcode, rerr, scode, serr)
		}
		oneLine(t, serr, "--workers must be in 1..")
	}
}
