package strategies

import (
	"testing"
)

// TestPrimitives runs every primitive a few times, as the harness does: it
// must not panic (steal-success checks that it stole), must leave no
// goroutine behind (chan-send-recv's receiver; TestMain's goleak), and the
// names, which are column keys in primitives.csv, must be distinct.
func TestPrimitives(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Primitives() {
		t.Run(p.Name, func(t *testing.T) {
			if p.Name == "" || seen[p.Name] {
				t.Fatalf("primitive name %q empty or repeated", p.Name)
			}
			seen[p.Name] = true
			for _, n := range []int{0, 1, 3} {
				p.Run(n)
			}
		})
	}
}
