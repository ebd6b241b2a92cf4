package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestGenerated checks that the committed files are what the generator
// writes: an edit to either side without the other fails here.
func TestGenerated(t *testing.T) {
	asm, stubs, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		want []byte
	}{{"bits_amd64.s", asm}, {"bits_stub_amd64.go", stubs}} {
		got, err := os.ReadFile(filepath.Join("..", "..", f.name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.want) {
			t.Errorf("render/%s differs from the generator's output: run go generate ./render/", f.name)
		}
	}
}
