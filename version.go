package main

import (
	"runtime"
	"runtime/debug"
)

// version is the release; the VCS revision, when the build recorded one, is
// appended by --version.
const version = "0.1.0"

func versionString() string {
	s := "mandel " + version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, kv := range info.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += " (" + kv.Value[:12] + ")"
			}
		}
	}
	return s + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}
