package imageio

import (
	"bytes"
	"image"
	"slices"
	"strings"
	"testing"
)

// TestTable checks the rows against each other and against the functions
// that read them.
func TestTable(t *testing.T) {
	if got := Formats(); len(got) != len(table) || len(got) != 10 {
		t.Fatalf("Formats() = %v, from a table of %d rows", got, len(table))
	}
	names := 0
	for i, row := range table {
		f := row.format
		if Formats()[i] != f {
			t.Errorf("row %d is %s, Formats() says %s", i, f, Formats()[i])
		}
		if !slices.Contains(row.exts, row.ext) && f != NPYSmooth || f.Ext() != row.ext {
			t.Errorf("%s: Ext %q, not one of its extensions %q", f, f.Ext(), row.exts)
		}
		if !slices.Contains(row.exts, "."+string(f)) && f != NPYSmooth {
			t.Errorf("%s: its own name is not among its extensions %q", f, row.exts)
		}
		if !slices.Contains(row.exts, "."+string(f)) {
			names++ // a name that is no extension
		}
		for _, ext := range row.exts {
			names++
			for _, name := range []string{ext[1:], strings.ToUpper(ext[1:])} {
				if g, err := ParseFormat(name); err != nil || g != f {
					t.Errorf("ParseFormat(%q) = %q, %v; want %s", name, g, err, f)
				}
				if g, err := FormatOf("dir/x" + "." + name); err != nil || g != f {
					t.Errorf("FormatOf(x.%s) = %q, %v; want %s", name, g, err, f)
				}
			}
		}
		if row.encode == nil {
			t.Errorf("%s: no encoder", f)
		}
		streams, bottomUp := f.Streams(), f.BottomUp()
		if streams != (row.newRowWriter != nil) || bottomUp != row.bottomUp {
			t.Errorf("%s: Streams %v, BottomUp %v; the row %v, %v",
				f, streams, bottomUp, row.newRowWriter != nil, row.bottomUp)
		}
		if row.bottomUp && !streams {
			t.Errorf("%s: bottom-up, but it does not stream", f)
		}
		if (row.streamMemory != nil) != streams {
			t.Errorf("%s: a stream memory estimate without a row writer, or the reverse", f)
		}
		e := Encoder{Format: f, Workers: 2}
		if m := e.StreamMemory(1000); (m > 4000) != streams || (m == 0) == streams {
			t.Errorf("%s: StreamMemory(1000) = %v, streams %v", f, m, streams)
		}
	}
	if len(byName) != names || len(Extensions()) != names-1 {
		t.Errorf("%d extensions in the table, %d names, %d Extensions()", names, len(byName), len(Extensions()))
	}
	for _, f := range []Format{"", "webp", "PNG", ".png", "jpg"} {
		if f.Ext() != "" || f.Streams() || f.BottomUp() || rowOf(f) != nil {
			t.Errorf("%q: a format with a row", f)
		}
		if m := (&Encoder{Format: f}).StreamMemory(1000); m != 0 {
			t.Errorf("%q: StreamMemory %v", f, m)
		}
	}
}

// TestTableRowWriters: each row's streaming writer, given the strips in
// the order of its row, writes its whole-image encoder's bytes, and a
// bottom-up row's would not in the other order, so the flag is not idle.
// (TestRowWriterSameBytes tries many more images and strips.)
func TestTableRowWriters(t *testing.T) {
	m := noisy("gray", image.Rect(0, 0, 37, 23), 9)
	for _, row := range table {
		if row.newRowWriter == nil || row.npyType != "" {
			continue
		}
		t.Run(string(row.format), func(t *testing.T) {
			e := &Encoder{Format: row.format, Workers: 2}
			var whole bytes.Buffer
			if err := row.encode(e, &whole, m); err != nil {
				t.Fatal(err)
			}
			write := func(bottomUp bool) []byte {
				var buf bytes.Buffer
				rw, err := row.newRowWriter(e, &buf, 37, 23, ModelOf(m))
				if err != nil {
					t.Fatal(err)
				}
				for i := range 3 {
					if bottomUp {
						i = 2 - i
					}
					strip := m.(subImager).SubImage(image.Rect(0, 8*i, 37, min(8*i+8, 23)))
					if err := rw.WriteRows(strip); err != nil {
						t.Fatal(err)
					}
				}
				if err := rw.Close(); err != nil {
					t.Fatal(err)
				}
				return buf.Bytes()
			}
			if !bytes.Equal(write(row.bottomUp), whole.Bytes()) {
				t.Errorf("strips in the row's order: not the encoder's bytes")
			}
			if bytes.Equal(write(!row.bottomUp), whole.Bytes()) {
				t.Errorf("strips in the other order: the encoder's bytes")
			}
		})
	}
}
