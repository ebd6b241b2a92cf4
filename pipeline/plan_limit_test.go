package pipeline

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/mandel-project/mandel/imageio"
)

// TestPlanStatesTheLimit: a budget too small for one row of a wide PNG
// says the budget that would do (issue 18's --size 1000000x4), and that
// budget, rounded up to the message's 0.1 MiB, plans; strips are not
// capped whatever the budget.
func TestPlanStatesTheLimit(t *testing.T) {
	for _, w := range []int{1000000, 300000} {
		_, err := planOf(t, w, 4, 1, imageio.PNG, 64<<20)
		m := regexp.MustCompile(`too small for a strip of one row .* \(about ([0-9.]+) MiB\)`).FindStringSubmatch(errString(err))
		if m == nil {
			t.Fatalf("%d wide at 64 MiB: %v, want the refusal with the budget needed", w, err)
		}
		mib, _ := strconv.ParseFloat(m[1], 64)
		if _, err := planOf(t, w, 4, 1, imageio.PNG, (mib+0.1)*(1<<20)); err != nil {
			t.Errorf("%d wide at the %s MiB the message names: %v", w, m[1], err)
		}
	}
	if _, err := planOf(t, 1000000, 4, 1, imageio.PNG, 2*gib); err != nil {
		t.Errorf("1000000x4 at 2 GiB: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
