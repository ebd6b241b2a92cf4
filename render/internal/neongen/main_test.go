package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestGenerated checks that the committed file is what the generator
// writes: an edit to either side without the other fails here.
func TestGenerated(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "..", "kernel_neon_arm64.s"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, generate()) {
		t.Error("render/kernel_neon_arm64.s differs from the generator's output: run go generate ./render/")
	}
}

// TestEncodingsMatchObjdump assembles, for arm64, every encoded instruction
// on registers that set each bit of every register field, and the
// generated kernel itself, and checks that `go tool objdump -gnu` reads
// each WORD back as the text the generator wrote beside it: the encodings
// are tested against the Go toolchain's own disassembler, not against a
// second copy of the same tables.
func TestEncodingsMatchObjdump(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the test needs the go command: %v", err)
	}
	var probe asm
	probe.WriteString("#include \"textflag.h\"\n\nTEXT ·probe(SB), NOSPLIT, $0-0\n")
	var want []inst
	for _, r := range [][3]int{{0, 0, 0}, {31, 31, 31}, {1, 2, 4}, {8, 16, 1}, {2, 4, 8}, {16, 1, 2}, {4, 8, 16}, {30, 17, 9}} {
		for _, i := range Instructions(r[0], r[1], r[2]) {
			probe.word(i)
			want = append(want, i)
		}
	}
	probe.op("RET")

	dir := t.TempDir()
	files := map[string]string{
		"go.mod":              "module probe\n\ngo 1.26\n",
		"main.go":             "package main\n\nfunc probe()\n\nfunc neonBlocks(st *[56]float64, ln *[20]int, ci, escape2 float64, blocks int) (escaped int)\n\nfunc main() { probe(); neonBlocks(nil, nil, 0, 0, 0) }\n",
		"probe_arm64.s":       probe.String(),
		"kernel_neon_arm64.s": string(generate()),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command(goCmd, "build", "-o", "probe", ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("assembling for arm64: %v\n%s", err, out)
	}
	dump := exec.Command(goCmd, "tool", "objdump", "-gnu", "-s", `^main\.(probe|neonBlocks)`, "probe")
	dump.Dir = dir
	out, err := dump.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool objdump: %v\n%s", err, out)
	}

	// Each line: file:line, address, the word in hex, Go's text, then
	// "// " and the GNU text.
	line := regexp.MustCompile(`^\s*(\S+)\.s:\d+\s+0x[0-9a-f]+\s+([0-9a-f]{8})\s+.*//\s+(.*?)\s*$`)
	seen := map[string][]string{} // the objdump texts of each word
	for _, l := range strings.Split(string(out), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			seen[m[2]] = append(seen[m[2]], m[3])
		}
	}
	kernel := regexp.MustCompile(`WORD \$0x([0-9a-f]{8}) // (.*)`)
	var words int
	for _, m := range kernel.FindAllStringSubmatch(string(generate()), -1) {
		w, err := strconv.ParseUint(m[1], 16, 32)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, inst{text: m[2], word: uint32(w)})
		words++
	}
	if words == 0 {
		t.Fatal("the generated kernel has no WORD")
	}
	for _, i := range want {
		hex := fmt.Sprintf("%08x", i.word)
		texts := seen[hex]
		if len(texts) == 0 {
			t.Errorf("%s (%s): not found in objdump's output", i.text, hex)
			continue
		}
		for _, got := range texts {
			if got != i.text {
				t.Errorf("WORD $0x%s: objdump reads %q, the generator wrote %q", hex, got, i.text)
			}
		}
	}
}
