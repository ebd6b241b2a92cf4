package cli

import "testing"

// TestWrapCommands keeps example commands runnable when pasted: a wrapped
// command continues with a backslash, and its comment goes above it.
func TestWrapCommands(t *testing.T) {
	in := "  mandel bench --scenes tophalf --strategies bands,cyclic,steal --workers 1,2,4,8\n" +
		"  mandel bench --reps 3 --size 256 --out /tmp/quick   # a quick sweep of every strategy\n"
	want := "  mandel bench --scenes tophalf --strategies bands,cyclic,steal \\\n" +
		"      --workers 1,2,4,8\n" +
		"  # a quick sweep of every strategy\n" +
		"  mandel bench --reps 3 --size 256 --out /tmp/quick\n"
	if got := Wrap(in, 70); got != want {
		t.Errorf("Wrap:\n%s\nwant:\n%s", got, want)
	}
}
