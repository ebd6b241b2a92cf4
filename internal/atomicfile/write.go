package atomicfile

import (
	"context"
	"io"
)

// WriteWith runs write on f and commits what it wrote. Once ctx is done,
// f's writes fail, so a long encoding stops at its next write, and nothing
// is committed: the caller's deferred Abort then removes the temporary
// file and any old file at the path stays. It returns ctx's error when ctx
// ended the write, else write's or Commit's.
func (f *File) WriteWith(ctx context.Context, write func(io.Writer) error) error {
	if err := write(ctxWriter{ctx, f}); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return f.Commit()
}

// WriteFile writes path with o, atomically: the file appears at path, whole,
// only if write succeeds and ctx is not done first. Otherwise the path is as
// it was, and the temporary file is gone.
func (o Options) WriteFile(ctx context.Context, path string, write func(io.Writer) error) error {
	f, err := o.New(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	return f.WriteWith(ctx, write)
}

// WriteFile is Options.WriteFile with the default options.
func WriteFile(ctx context.Context, path string, write func(io.Writer) error) error {
	return Options{}.WriteFile(ctx, path, write)
}

// ctxWriter fails writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (w ctxWriter) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}
