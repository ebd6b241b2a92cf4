package bench

import (
	"image"
	"image/png"
	"io"

	"github.com/mandel-project/mandel/bench/picture"
	"github.com/mandel-project/mandel/strategies"
)

// The pictures are drawn while the sweep runs, when the renderer's frame
// is known to be the reference (no copy of it is kept): the scene and its
// cost map right after the reference render, each schedule map right after
// its checked, traced run. They are written at once rather than kept for
// the report: keeping them would hold a picture per strategy and scene,
// several times the frames' memory, where writing holds one at a time.
// Their write errors wait in Result.WriteErrs, which the report returns
// with its own.

// scenePictures writes the scene and its cost map from its reference frame.
func (s *sweep) scenePictures(sc *sceneRun) {
	dir := s.path("pictures", sc.Name)
	f := sc.r.Frame()
	s.writeErrs = append(s.writeErrs,
		writePNG(dir+"/scene.png", picture.Scene(f)),
		writePNG(dir+"/cost.png", picture.CostWithBar(f)))
}

// schedulePicture writes the schedule map of c's traced run, whose frame
// has just been checked.
func (s *sweep) schedulePicture(c *config, rep *strategies.Report) {
	path := s.path("pictures", c.scene.Name, "schedule-"+c.Strategy.Name()+".png")
	s.writeErrs = append(s.writeErrs, writePNG(path, picture.ScheduleWithKey(c.scene.r.Frame(), rep)))
}

func writePNG(path string, img image.Image) error {
	return WriteFile(path, func(w io.Writer) error { return png.Encode(w, img) })
}
