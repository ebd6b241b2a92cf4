package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is the release. It goes into every picture's text (mandel:version),
// so that a picture says which release's pixels it has; the revision does
// not, so that the same settings give the same bytes from any build.
const version = "0.1.0"

// versionString is --version's text: the release on the first line, then
// the module and the VCS revision as the build recorded them
// (runtime/debug), and the toolchain and platform.
func versionString() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return versionText(nil)
	}
	return versionText(info)
}

// versionText is versionString for the build info info (nil: none).
func versionText(info *debug.BuildInfo) string {
	var b strings.Builder
	fmt.Fprintf(&b, "mandel %s\n", version)
	revision := "unknown (this build recorded none; make build in a git clone records it)"
	if info != nil {
		if info.Main.Path != "" {
			fmt.Fprintf(&b, "module %s %s\n", info.Main.Path, info.Main.Version)
		}
		settings := map[string]string{}
		for _, kv := range info.Settings {
			settings[kv.Key] = kv.Value
		}
		if r := settings["vcs.revision"]; r != "" {
			revision = r
			if t := settings["vcs.time"]; t != "" {
				revision += " (" + t + ")"
			}
			if settings["vcs.modified"] == "true" {
				revision += ", modified"
			}
		}
	}
	fmt.Fprintf(&b, "revision %s\n", revision)
	fmt.Fprintf(&b, "built with %s for %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return b.String()
}
