package strategies

import (
	"reflect"
	"testing"
	"time"
)

// TestReport checks the derived figures against values worked out by hand.
func TestReport(t *testing.T) {
	rep := &Report{
		Wall: 10 * time.Millisecond,
		Workers: []WorkerStats{
			{Busy: 9 * time.Millisecond, Blocks: 4, Work: 100, Steals: 2},
			{Busy: 3 * time.Millisecond, Blocks: 2, Work: 20, Steals: 1},
			{Busy: 6 * time.Millisecond, Blocks: 1, Work: 5},
		},
	}
	if got, want := rep.Busy(), 18*time.Millisecond; got != want {
		t.Errorf("Busy = %v, want %v", got, want)
	}
	// max 9 ms over a mean of 6 ms.
	if got, want := rep.Imbalance(), 1.5; got != want {
		t.Errorf("Imbalance = %v, want %v", got, want)
	}
	// 3 workers x 10 ms of wall time, of which 18 ms busy.
	if got, want := rep.Overhead(), 12*time.Millisecond; got != want {
		t.Errorf("Overhead = %v, want %v", got, want)
	}
	if got, want := rep.Work(), int64(125); got != want {
		t.Errorf("Work = %d, want %d", got, want)
	}
	if got, want := rep.Blocks(), 7; got != want {
		t.Errorf("Blocks = %d, want %d", got, want)
	}
	if got, want := rep.Steals(), 3; got != want {
		t.Errorf("Steals = %d, want %d", got, want)
	}
	idle := &Report{Wall: time.Millisecond, Workers: make([]WorkerStats, 2)}
	if got := idle.Imbalance(); got != 0 {
		t.Errorf("Imbalance with nobody busy = %v, want 0", got)
	}
}

func TestReportAdd(t *testing.T) {
	sum := &Report{}
	sum.Add(&Report{Wall: 3 * time.Millisecond, Workers: []WorkerStats{{Busy: 2 * time.Millisecond, Items: 4, Blocks: 2, Work: 100, StealAttempts: 3, Steals: 1}}})
	sum.Add(&Report{Wall: 5 * time.Millisecond, Workers: []WorkerStats{{Busy: time.Millisecond, Items: 1, Blocks: 1, Work: 7}, {Busy: 4 * time.Millisecond, Items: 6, Blocks: 3, Work: 50, StealAttempts: 2, Steals: 2}}, Trace: []Block{{}}})
	want := &Report{Wall: 8 * time.Millisecond, Workers: []WorkerStats{
		{Busy: 3 * time.Millisecond, Items: 5, Blocks: 3, Work: 107, StealAttempts: 3, Steals: 1},
		{Busy: 4 * time.Millisecond, Items: 6, Blocks: 3, Work: 50, StealAttempts: 2, Steals: 2},
	}}
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("sum of reports:\n got %+v\nwant %+v", sum, want)
	}
}
