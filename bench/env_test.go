package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// The commit comes from git only in a repository of this module: the
// binary may run from inside some other repository.
func TestGitCommit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	repo := func(gomod string) string {
		dir := t.TempDir()
		if gomod != "" {
			if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for _, args := range [][]string{
			{"init", "-q"},
			{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", "x"},
		} {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Skipf("git %v: %v: %s", args, err, out)
			}
		}
		os.Mkdir(filepath.Join(dir, "sub"), 0o755)
		return filepath.Join(dir, "sub")
	}
	hash := regexp.MustCompile(`^[0-9a-f]{40,64}$`)
	if got := gitCommit(repo("module example.com/other\n\ngo 1.26\n")); got != "unknown" {
		t.Errorf("another module's repository: commit %q, want unknown", got)
	}
	if got := gitCommit(repo("")); got != "unknown" {
		t.Errorf("a repository without go.mod: commit %q, want unknown", got)
	}
	if got := gitCommit(repo("// mandel\nmodule " + module + "\n\ngo 1.26\n")); !hash.MatchString(got) {
		t.Errorf("this module's repository: commit %q, want a hash", got)
	}
	if got := gitCommit(t.TempDir()); got != "unknown" {
		t.Errorf("no repository: commit %q, want unknown", got)
	}
}

func TestModulePath(t *testing.T) {
	for _, c := range []struct{ name, gomod, want string }{
		{"plain", "module github.com/mandel-project/mandel\n", "github.com/mandel-project/mandel"},
		{"quoted, with comments", "// comment\nmodule \"example.com/q\" // why\n\ngo 1.26\n", "example.com/q"},
		{"no module line", "go 1.26\n", ""},
		{"a longer keyword", "modulex example.com/x\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "go.mod")
			if err := os.WriteFile(path, []byte(c.gomod), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := modulePath(path); got != c.want {
				t.Errorf("modulePath(%q) = %q, want %q", c.gomod, got, c.want)
			}
		})
	}
	if got := modulePath(filepath.Join(t.TempDir(), "none")); got != "" {
		t.Errorf("no go.mod: %q", got)
	}
}
