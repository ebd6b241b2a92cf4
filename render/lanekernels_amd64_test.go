package render

// laneKernels are the AVX-512 kernel's routines as the table's kernel
// runs them on long rows, for rows of any length: avx512Kernel hands short
// ones to the AVX2 kernel (avx512ShortRow), and the tests' rows are short.
func laneKernels() map[string]Kernel {
	for _, k := range kernelTable {
		if k.Name == "avx512" {
			k.Row, k.Periodic = avx512Rows, avx512PeriodicRows
			return map[string]Kernel{"avx512-lanes": k}
		}
	}
	return nil
}
