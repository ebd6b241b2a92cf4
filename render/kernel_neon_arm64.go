package render

// neonBlocks runs up to blocks blocks of neonUnroll iterations on every
// lane of st, without testing for escape inside a block, and keeps the
// |z|^2 that each iteration of the block tested. It returns after the
// first block in which some lanes' |z|^2 exceeded escape2 before an
// iteration, with a bit mask of those lanes (bit l for lane l), which
// laneDriver.escapedLanes stores; or, with 0, when blocks run out or the
// next block would pass the step ln[lnEnd]. It leaves z and the steps done
// in st and ln. internal/neongen generates it (kernel_neon_arm64.s).
//
//go:noescape
func neonBlocks(st *[neonFloats]float64, ln *[neonInts]int, ci, escape2 float64, blocks int) (escaped int)
