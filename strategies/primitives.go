package strategies

import (
	"sync"
	"sync/atomic"
)

// Primitive is one of the operations the strategies' claims are made of,
// done n times in a row by one goroutine, uncontended: what a claim costs
// below the strategy's bookkeeping. BenchmarkPrimitives times them with go
// test; the harness (mandel bench --simulate) times them on the machine it
// measures, and the cost model (bench/model) charges a steal probe what
// steal-empty and steal-success cost there.
type Primitive struct {
	// Name is the primitive's name in benchmarks and in primitives.csv.
	Name string
	// Run does the operation n times.
	Run func(n int)
}

// Primitives returns every primitive, in a stable order.
func Primitives() []Primitive {
	return []Primitive{
		{"atomic-add", func(n int) { // atomic's claim
			var c atomic.Int64
			for range n {
				c.Add(1)
			}
		}},
		{"mutex", func(n int) { // mutex's claim
			var mu sync.Mutex
			c := 0
			for range n {
				mu.Lock()
				c++
				mu.Unlock()
			}
		}},
		{"cas-retry", func(n int) {
			// A compare-and-swap that fails once, then succeeds: guided's
			// claim when another worker claimed first.
			var c atomic.Int64
			for range n {
				old := c.Load()
				c.CompareAndSwap(old+1, old+2)
				c.CompareAndSwap(old, old+1)
			}
		}},
		{"chan-send-recv", func(n int) { // chan's hand-over of a block
			c := make(chan span)
			done := make(chan struct{})
			go func() {
				for range c {
				}
				close(done)
			}()
			for range n {
				c <- span{0, 1}
			}
			close(c)
			<-done
		}},
		{"goroutine-start-park", func(n int) {
			// rows' cost per row: a goroutine started, and the starter
			// parked until it has run.
			var wg sync.WaitGroup
			for range n {
				wg.Add(1)
				go wg.Done()
				wg.Wait()
			}
		}},
		{"steal-empty", func(n int) { // a probe of an empty deque
			var d deque
			for range n {
				d.stealHalf(1)
			}
		}},
		{"steal-success", func(n int) {
			// A probe that takes work, with the push that put it there and
			// the pop that empties the deque again.
			var d deque
			for range n {
				d.push(span{0, 2})
				if _, ok := d.stealHalf(1); !ok {
					panic("strategies: steal-success found nothing to steal")
				}
				d.pop()
			}
		}},
	}
}
