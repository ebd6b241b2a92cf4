package main

import (
	"bytes"
	"context"
	"testing"
)

// TestShortcutsFlags: shortcuts are on by default when rendering pictures
// and off by default in the harness, and each flag turns them the other way.
func TestShortcutsFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"out.png"}, true},
		{[]string{"--shortcuts=false", "out.png"}, false},
		{[]string{"-shortcuts=false", "out.png"}, false},
	} {
		f, err := parseRender(t, tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		cfg, err := f.config()
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if cfg.job.Shortcuts != tc.want {
			t.Errorf("mandel %v: shortcuts %v, want %v", tc.args, cfg.job.Shortcuts, tc.want)
		}
	}
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--shortcuts"}, true},
	} {
		f, err := parseBench(t, tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		cfg, err := f.config(tc.args)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		if cfg.Shortcuts != tc.want {
			t.Errorf("mandel bench %v: shortcuts %v, want %v", tc.args, cfg.Shortcuts, tc.want)
		}
	}
}

// TestShortcutsSameBytes: the command writes the same file with and without
// shortcuts, for a view through the cardioid and the bulb.
func TestShortcutsSameBytes(t *testing.T) {
	for _, format := range []string{"png", "pbm"} {
		t.Run(format, func(t *testing.T) {
			var outs [2]bytes.Buffer
			for i, flag := range []string{"--shortcuts=true", "--shortcuts=false"} {
				var stderr bytes.Buffer
				args := []string{flag, "--size", "96x64", "--maxiter", "300", "--format", format, "-"}
				if code := runContext(context.Background(), args, &outs[i], &stderr); code != exitOK {
					t.Fatalf("mandel %v: exit %d: %s", args, code, stderr.String())
				}
			}
			if outs[0].Len() == 0 || !bytes.Equal(outs[0].Bytes(), outs[1].Bytes()) {
				t.Errorf("%s output differs with and without shortcuts (%d and %d bytes)", format, outs[0].Len(), outs[1].Len())
			}
		})
	}
}
