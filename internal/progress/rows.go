package progress

import (
	"sync"
	"sync/atomic"
	"time"
)

// RowCounter shows the rows done of a render, their rate and the time
// left, from a goroutine of its own, while workers count rows with atomic
// adds. A nil *RowCounter counts nothing and shows nothing.
type RowCounter struct {
	line   *Line
	total  int64
	done   atomic.Int64
	began  time.Time
	quit   chan struct{}
	wg     sync.WaitGroup
	closed bool
	label  atomic.Pointer[string]
}

// StartRows starts the line of a render of total rows, shown after delay:
// a render that is over sooner needs none. Stop ends it.
func StartRows(line *Line, total int, delay time.Duration) *RowCounter {
	c := newRowCounter(line, total)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		wait := time.NewTimer(delay)
		defer wait.Stop()
		select {
		case <-c.quit:
			return
		case <-wait.C:
		}
		tick := time.NewTicker(2 * Every)
		defer tick.Stop()
		for {
			c.show()
			select {
			case <-c.quit:
				return
			case <-tick.C:
			}
		}
	}()
	return c
}

func newRowCounter(line *Line, total int) *RowCounter {
	return &RowCounter{line: line, total: int64(total), began: line.Now(), quit: make(chan struct{})}
}

// Add counts rows more done; any goroutine may call it.
func (c *RowCounter) Add(rows int) {
	if c != nil {
		c.done.Add(int64(rows))
	}
}

// Label sets a text shown before the rows, such as the frame of a
// sequence; any goroutine may call it.
func (c *RowCounter) Label(s string) {
	if c != nil {
		c.label.Store(&s)
	}
}

// show redraws the line.
func (c *RowCounter) show() {
	s := Rows(c.done.Load(), c.total, c.line.Now().Sub(c.began))
	if l := c.label.Load(); l != nil && *l != "" {
		s = *l + "  " + s
	}
	c.line.Show(s)
}

// Stop stops the line and erases it; it may be called more than once.
func (c *RowCounter) Stop() {
	if c == nil || c.closed {
		return
	}
	c.closed = true
	close(c.quit)
	c.wg.Wait()
	c.line.Clear()
}
