package render

import "golang.org/x/sys/cpu"

//go:generate go run ./internal/bitsgen -out bits_amd64.s -stubs bits_stub_amd64.go

func init() {
	if cpu.X86.HasAVX2 {
		bitRow, bitRowName = bitsAVX2, "avx2"
	}
}
