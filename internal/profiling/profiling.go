// Package profiling writes what Go's runtime can record about a command: an
// execution trace (runtime/trace), which `go tool trace` shows as goroutines
// on cores with the regions the pipeline marks for every block and strip,
// and a CPU profile (runtime/pprof), which `go tool pprof` reads. Each goes
// to a file that appears only when complete (internal/atomicfile), as the
// command's other outputs do.
package profiling

import (
	"errors"
	"fmt"
	"runtime/pprof"
	"runtime/trace"

	"github.com/mandel-project/mandel/internal/atomicfile"
)

// Files names the files to write; an empty name writes nothing.
type Files struct {
	Trace      string // the execution trace
	CPUProfile string // the CPU profile
}

// Session is a trace and a profile being recorded. A nil *Session, which
// Start returns when Files names nothing, records nothing and stops
// without error.
type Session struct {
	trace, cpu *atomicfile.File
}

// Start creates the files (as temporary files, so that a bad path fails
// before any work) and starts recording. The process can record one trace
// and one CPU profile at a time: Start fails while another is running.
func Start(f Files) (*Session, error) {
	if f.Trace == "" && f.CPUProfile == "" {
		return nil, nil
	}
	s := &Session{}
	if f.Trace != "" {
		file, err := atomicfile.New(f.Trace)
		if err != nil {
			return nil, fmt.Errorf("trace: %w", err)
		}
		if err := trace.Start(file); err != nil {
			file.Abort()
			return nil, fmt.Errorf("trace %s: %w", f.Trace, err)
		}
		s.trace = file
	}
	if f.CPUProfile != "" {
		file, err := atomicfile.New(f.CPUProfile)
		if err == nil {
			if err = pprof.StartCPUProfile(file); err != nil {
				file.Abort()
				err = fmt.Errorf("%s: %w", f.CPUProfile, err)
			}
		}
		if err != nil {
			s.Stop(false)
			return nil, fmt.Errorf("cpu profile: %w", err)
		}
		s.cpu = file
	}
	return s, nil
}

// Stop ends the recording. With keep, the files appear at their paths;
// without it (the command failed, and wrote no other output either) they
// are removed. It returns the first error of writing them.
func (s *Session) Stop(keep bool) error {
	if s == nil {
		return nil
	}
	var errs []error
	end := func(what string, f *atomicfile.File) {
		if f == nil {
			return
		}
		if !keep {
			f.Abort()
			return
		}
		if err := f.Commit(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", what, err))
		}
	}
	// Stopping waits for the runtime's writers, so the files are whole
	// before they are committed.
	if s.trace != nil {
		trace.Stop()
	}
	if s.cpu != nil {
		pprof.StopCPUProfile()
	}
	end("trace", s.trace)
	end("cpu profile", s.cpu)
	s.trace, s.cpu = nil, nil
	return errors.Join(errs...)
}
