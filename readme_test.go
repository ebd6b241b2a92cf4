package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/mandel-project/mandel/strategies"
)

// strategyTable is the README's table of strategies, as written from each
// strategy's Summary, the one source of the descriptions.
func strategyTable() string {
	var b strings.Builder
	b.WriteString("| name | how it schedules, and when it wins or loses |\n|---|---|\n")
	for _, s := range strategies.All() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", s.Name(), strings.ReplaceAll(s.Summary(), "|", `\|`))
	}
	return b.String()
}

// Markers around the generated table in README.md.
const (
	tableBegin = "<!-- strategies: generated from strategies.All() by go test -run TestREADMEStrategies -update -->\n"
	tableEnd   = "<!-- end strategies -->\n"
)

// TestREADMEStrategies keeps the README's strategy table equal to the
// strategies' own summaries, so that the two cannot drift apart;
// go test -run TestREADMEStrategies -update rewrites it.
func TestREADMEStrategies(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	begin, end := strings.Index(text, tableBegin), strings.Index(text, tableEnd)
	if begin < 0 || end < begin {
		t.Fatalf("README.md lacks the markers %q and %q around the strategy table", tableBegin, tableEnd)
	}
	got := text[begin+len(tableBegin) : end]
	want := strategyTable()
	if got == want {
		return
	}
	if *update {
		text = text[:begin+len(tableBegin)] + want + text[end:]
		if err := os.WriteFile("README.md", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("README.md's strategy table differs from the strategies' summaries (go test -run TestREADMEStrategies -update rewrites it):\n--- README\n%s--- summaries\n%s", got, want)
}
