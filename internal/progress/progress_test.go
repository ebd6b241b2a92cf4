package progress

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newFake(w *bytes.Buffer) (*Line, *fakeClock) {
	c := &fakeClock{t: time.Unix(1e9, 0)}
	l := New(w)
	l.Now = c.now
	return l, c
}

func TestRows(t *testing.T) {
	for _, c := range []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{0, 32768, 0, "rows 0/32768 (0.0%)  ETA --"},
		{0, 100, time.Second, "rows 0/100 (0.0%)  ETA --"},
		{1024, 32768, 2 * time.Second, "rows 1024/32768 (3.1%)  512 rows/s  ETA 1m0s"},
		{50, 100, 10 * time.Second, "rows 50/100 (50.0%)  5.00 rows/s  ETA 10s"},
		{3, 1000, 10 * time.Second, "rows 3/1000 (0.3%)  0.30 rows/s  ETA 55m20s"},
		{30, 40000, time.Second, "rows 30/40000 (0.1%)  30.0 rows/s  ETA 22m10s"},
		{100, 100, 7 * time.Second, "rows 100/100 (100.0%)  14.3 rows/s  ETA 0s"},
	} {
		t.Run(c.want, func(t *testing.T) {
			if got := Rows(c.done, c.total, c.elapsed); got != c.want {
				t.Errorf("Rows(%d, %d, %v) = %q", c.done, c.total, c.elapsed, got)
			}
		})
	}
}

func TestETA(t *testing.T) {
	for _, c := range []struct {
		elapsed     time.Duration
		done, total int64
		want        time.Duration
		ok          bool
	}{
		{time.Second, 0, 10, 0, false},
		{0, 5, 10, 0, false},
		{time.Second, 1, 10, 9 * time.Second, true},
		{4 * time.Second, 4, 10, 6 * time.Second, true},
		{time.Second, 10, 10, 0, true},
		{time.Second, 12, 10, 0, true}, // past the total: nothing left
	} {
		t.Run(fmt.Sprint(c.elapsed, c.done, c.total), func(t *testing.T) {
			got, ok := ETA(c.elapsed, c.done, c.total)
			if got != c.want || ok != c.ok {
				t.Errorf("ETA = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestFormatETA(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1400 * time.Millisecond:         "1s",
		59 * time.Second:                "59s",
		61 * time.Second:                "1m0s",
		10*time.Minute + 16*time.Second: "10m20s",
		2*time.Hour + 29*time.Second:    "2h0m0s",
		2*time.Hour + 31*time.Second:    "2h1m0s",
	} {
		if got := FormatETA(d); got != want {
			t.Errorf("FormatETA(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestLine: redraws pad over longer lines, Due limits them to one per
// Every on the clock, and Clear erases what is shown.
func TestLine(t *testing.T) {
	var buf bytes.Buffer
	l, clock := newFake(&buf)
	if !l.Due() {
		t.Fatal("the first redraw is not due")
	}
	l.Show("rows 10/20")
	if l.Due() {
		t.Error("a redraw is due at once")
	}
	clock.add(Every - time.Millisecond)
	if l.Due() {
		t.Error("a redraw is due before Every")
	}
	clock.add(time.Millisecond)
	if !l.Due() {
		t.Error("a redraw is not due after Every")
	}
	l.Show("rows 9")
	l.Clear()
	l.Clear() // nothing shown: writes nothing
	if got, want := buf.String(), "\rrows 10/20\rrows 9    \r      \r"; got != want {
		t.Errorf("wrote %q, want %q", got, want)
	}
}

// TestSilent: a line on no writer, or a nil one, writes nothing and is
// never due.
func TestSilent(t *testing.T) {
	for name, l := range map[string]*Line{"nil writer": New(nil), "nil line": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			if l.Active() || l.Due() {
				t.Error("a silent line is active or due")
			}
			l.Show("x")
			l.Clear()
		})
	}
}
