package render

//go:generate go run ./internal/bitsgen -out bits_amd64.s -stubs bits_stub_amd64.go

func init() {
	if hasAVX2 {
		bitRow, bitRowName = bitsAVX2, "avx2"
	}
}
