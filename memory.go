package main

import "github.com/mandel-project/mandel/internal/sysmem"

// availableMemory returns the bytes a render may use. It is a variable so
// that tests can pin the machine's memory.
var availableMemory = sysmem.Available
