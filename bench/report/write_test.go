package report

import (
	"strings"
	"testing"

	"github.com/mandel-project/mandel/bench"
)

// summary.md says a scene was sized for the target time only when the
// sweep sized it: not one given its size by --sizes-from, nor one the
// sweep stopped before sizing.
func TestSizingSentence(t *testing.T) {
	env := func(partial bool, serial ...float64) *bench.Env {
		e := &bench.Env{Partial: partial}
		e.Sweep.TargetTimeS = 0.3
		for i, s := range serial {
			e.Sweep.Scenes = append(e.Sweep.Scenes, bench.SceneInfo{Name: []string{"full", "tophalf"}[i], SerialS: s})
		}
		return e
	}
	for _, c := range []struct {
		env       *bench.Env
		want, not []string
	}{
		{env(false, 0.31, 0.29), []string{"Each scene was sized at the start for a serial render of 300 ms"}, []string{"kept"}},
		{env(false, 0, 0), []string{"No scene was sized", "--sizes-from"}, []string{"Each scene", "stopped"}},
		{env(true, 0.31, 0), []string{"Sized at the start for a serial render of 300 ms (from their own sizes, recorded in env.json): full;", "(given by --sizes-from, or not sized before the sweep stopped): tophalf."}, []string{"Each scene"}},
	} {
		got := sizingSentence(c.env)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("sizingSentence = %q, want %q in it", got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("sizingSentence = %q, want no %q in it", got, n)
			}
		}
	}
}
