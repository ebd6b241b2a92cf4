package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestStripsAreCurrent: the strips in docs/palettes/ are what the
// generator draws from today's palettes (scripts/palettes.sh redraws them).
func TestStripsAreCurrent(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "docs", "palettes")
	files, err := strips(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 6 {
		t.Errorf("%d strips, want the 5 built-ins and the example", len(files))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%v (scripts/palettes.sh draws it)", err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not what the generator draws today: run scripts/palettes.sh", name)
		}
	}
}
