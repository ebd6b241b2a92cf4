//go:build !linux

package render_test

import "time"

// cpuTime is 0 where getrusage is not at hand: the benchmarks then report
// wall time only.
func cpuTime() time.Duration { return 0 }
