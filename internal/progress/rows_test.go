package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestRowCounterLine: the line counts the rows of the blocks done, and its
// rate and time left follow the clock.
func TestRowCounterLine(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(1e9, 0)
	line := New(&buf)
	line.Now = func() time.Time { return now }
	c := newRowCounter(line, 1000)
	c.Add(100)
	c.Add(100)
	now = now.Add(4 * time.Second)
	c.show()
	if got, want := buf.String(), "\rrows 200/1000 (20.0%)  50.0 rows/s  ETA 16s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	buf.Reset()
	c.Stop()
	c.Stop()
	if got := buf.String(); got != "\r"+strings.Repeat(" ", 43)+"\r" {
		t.Errorf("stop wrote %q, want the line erased once", got)
	}
}

// lockedBuffer is a buffer that the line's goroutine writes while the
// test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestStartRows: the goroutine shows the count after the delay, and is
// gone after Stop; a nil counter takes counts and stops.
func TestStartRows(t *testing.T) {
	defer goleak.VerifyNone(t)
	var buf lockedBuffer
	c := StartRows(New(&buf), 10, 0)
	c.Add(5)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(buf.String(), "rows 5/10") && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	c.Stop()
	if !strings.Contains(buf.String(), "rows 5/10") {
		t.Errorf("line %q, want rows 5/10", buf.String())
	}
	var none *RowCounter
	none.Add(3)
	none.Stop()
}

// TestRowCounterLabel: a label, such as a zoom's frame, goes before the
// rows; a nil counter takes one.
func TestRowCounterLabel(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(1e9, 0)
	line := New(&buf)
	line.Now = func() time.Time { return now }
	c := newRowCounter(line, 100)
	c.Label("frame 3/10")
	c.Add(10)
	now = now.Add(time.Second)
	c.show()
	if got, want := buf.String(), "\rframe 3/10  rows 10/100 (10.0%)  10.0 rows/s  ETA 9s"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	var none *RowCounter
	none.Label("frame 1/1")
}
