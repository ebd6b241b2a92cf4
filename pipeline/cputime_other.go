//go:build !unix

package pipeline

import "time"

// processCPU is the unix one's stand-in: 0, unknown, and Stats.RenderCPU
// stays 0.
func processCPU() time.Duration { return 0 }
