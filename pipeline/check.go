package pipeline

import (
	"github.com/mandel-project/mandel/imageio"
	"github.com/mandel-project/mandel/render"
)

// Setting names the setting of a Job that Check found wrong.
type Setting string

// The settings Check checks, in its order.
const (
	SettingAA        Setting = "aa"        // the supersampling for the view's size and mapping
	SettingMethod    Setting = "method"    // the method for the view's scale and mapping
	SettingReference Setting = "reference" // the reference point for the view
	SettingFormat    Setting = "format"    // the format's size limits
	SettingMemory    Setting = "memory"    // the memory plan
)

// CheckError is Check's error: which setting, and why. Its text is the
// reason's alone, so that a command can say it as it is or name its own
// flag.
type CheckError struct {
	Setting Setting
	Err     error
}

func (e *CheckError) Error() string { return e.Err.Error() }
func (e *CheckError) Unwrap() error { return e.Err }

// Check checks j's settings against its view, before anything is
// allocated or written, and returns the method that renders the view
// (never auto) and j's memory plan. In order: the supersampling
// (render.CheckSupersampling), the method (render.Method.Resolve), the
// reference point where perturbation renders (render.ReferencePoint.Near;
// the direct kernels have no use for one), the format's size limits
// (imageio.CheckSize) and the plan (Job.Plan). A job without a Format
// writes no image: only the first three apply, and the plan is zero.
//
// The render command checks its job here (the view's settings before it
// has chosen the format, then the whole job), and mandel zoom its deepest
// frame's and then each frame's, so that a frame is checked as the render
// of its view is. Check allocates nothing but a few numbers.
func (j Job) Check() (render.Method, Plan, error) {
	v := j.View
	if err := render.CheckSupersampling(v, j.AA); err != nil {
		return 0, Plan{}, &CheckError{SettingAA, err}
	}
	m, err := j.Method.Resolve(v)
	if err != nil {
		return 0, Plan{}, &CheckError{SettingMethod, err}
	}
	if r := j.Reference; r != nil && m == render.MethodPerturb {
		if err := r.Near(v, j.AA); err != nil {
			return 0, Plan{}, &CheckError{SettingReference, err}
		}
	}
	if j.Format == "" {
		return m, Plan{}, nil
	}
	if err := imageio.CheckSize(j.Format, v.Width, v.Height); err != nil {
		return 0, Plan{}, &CheckError{SettingFormat, err}
	}
	p, err := j.Plan()
	if err != nil {
		return 0, Plan{}, &CheckError{SettingMemory, err}
	}
	return m, p, nil
}
