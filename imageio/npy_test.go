package imageio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// npyDict matches the header dictionary of a 2-D array, as numpy.save
// writes it.
var npyDict = regexp.MustCompile(`^\{'descr': '([<>|][a-z][0-9])', 'fortran_order': False, 'shape': \(([0-9]+), ([0-9]+)\), \} *\n$`)

// parseNPY reads an npy file's header by the format's specification and
// returns its type, shape and data.
func parseNPY(t *testing.T, b []byte) (descr string, height, width int, data []byte) {
	t.Helper()
	if len(b) < 10 || string(b[:8]) != "\x93NUMPY\x01\x00" {
		t.Fatalf("no npy 1.0 magic: %q", b[:min(len(b), 10)])
	}
	n := 10 + int(binary.LittleEndian.Uint16(b[8:]))
	if n > len(b) || n%64 != 0 {
		t.Fatalf("header of %d bytes in a file of %d, not a multiple of 64", n, len(b))
	}
	m := npyDict.FindStringSubmatch(string(b[10:n]))
	if m == nil {
		t.Fatalf("header %q", b[10:n])
	}
	height, _ = strconv.Atoi(m[2])
	width, _ = strconv.Atoi(m[3])
	return m[1], height, width, b[n:]
}

func TestNPYHeader(t *testing.T) {
	// numpy.save(f, numpy.zeros((3, 4), '<u4'))'s first 128 bytes.
	want := "\x93NUMPY\x01\x00v\x00{'descr': '<u4', 'fortran_order': False, 'shape': (3, 4), }" + strings.Repeat(" ", 58) + "\n"
	if got := string(npyHeader("<u4", 3, 4)); got != want {
		t.Errorf("header\n%q, want\n%q", got, want)
	}
	for _, size := range [][2]int{{1, 1}, {1080, 1920}, {1 << 20, 1 << 20}, {7, 123456789}} {
		h := npyHeader("<f4", size[0], size[1])
		descr, height, width, data := parseNPY(t, h)
		if descr != "<f4" || height != size[0] || width != size[1] || len(data) != 0 {
			t.Errorf("%v: read back %s %dx%d and %d bytes", size, descr, height, width, len(data))
		}
	}
}

func TestNPYWriter(t *testing.T) {
	for _, f := range []Format{NPY, NPYSmooth} {
		var buf bytes.Buffer
		w, err := NewNPYWriter(&buf, f, 3, 4)
		if err != nil {
			t.Fatal(err)
		}
		rows := make([]byte, 4*3*4)
		for i := range rows {
			rows[i] = byte(i)
		}
		if _, err := w.Write(rows[:5]); err == nil {
			t.Errorf("%s: part of a row accepted", f)
		}
		if _, err := w.Write(rows[:12]); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err == nil || !strings.Contains(err.Error(), "3 rows missing") {
			t.Errorf("%s: Close with rows missing: %v", f, err)
		}
		if _, err := w.Write(rows[:36]); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(rows[:12]); err == nil {
			t.Errorf("%s: a row past the height accepted", f)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		descr, height, width, data := parseNPY(t, buf.Bytes())
		if descr != f.NPYType() || height != 4 || width != 3 || !bytes.Equal(data, append(rows[:12:12], rows[:36]...)) {
			t.Errorf("%s: read back %s %dx%d, %v", f, descr, height, width, data)
		}
	}
	if _, err := NewNPYWriter(&bytes.Buffer{}, NPY, 0, 3); !errors.Is(err, ErrEmptyImage) {
		t.Errorf("an empty array: %v", err)
	}
	if _, err := NewNPYWriter(&bytes.Buffer{}, PNG, 2, 3); err == nil {
		t.Error("an npy writer for png")
	}
	if err := Encode(&bytes.Buffer{}, patternPaletted(small), NPY); err == nil || !strings.Contains(err.Error(), "not an image") {
		t.Errorf("Encode of an image as npy: %v", err)
	}
}
