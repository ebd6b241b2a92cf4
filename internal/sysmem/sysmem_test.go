package sysmem

import (
	"os"
	"path/filepath"
	"testing"
)

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestAvailable(t *testing.T) {
	dir := t.TempDir()
	meminfo := filepath.Join(dir, "meminfo")
	write(t, meminfo, "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4194304 kB\n")
	cgroup := filepath.Join(dir, "cgroup")
	os.Mkdir(cgroup, 0o755)
	const gib = 1 << 30

	if got := available(meminfo, cgroup); got != 4*gib {
		t.Errorf("no cgroup files: %v, want MemAvailable, 4 GiB", got)
	}
	write(t, filepath.Join(cgroup, "memory.max"), "max\n")
	if got := available(meminfo, cgroup); got != 4*gib {
		t.Errorf("cgroup without a limit: %v, want 4 GiB", got)
	}
	write(t, filepath.Join(cgroup, "memory.max"), "3221225472\n")     // 3 GiB
	write(t, filepath.Join(cgroup, "memory.current"), "1073741824\n") // 1 GiB used
	if got := available(meminfo, cgroup); got != 2*gib {
		t.Errorf("cgroup limit: %v, want what it leaves, 2 GiB", got)
	}
	write(t, filepath.Join(cgroup, "memory.max"), "10737418240\n") // 10 GiB: more than the machine has
	if got := available(meminfo, cgroup); got != 4*gib {
		t.Errorf("loose cgroup limit: %v, want 4 GiB", got)
	}
	if got := available(filepath.Join(dir, "none"), filepath.Join(dir, "none")); got != Fallback {
		t.Errorf("nothing to read: %v, want the fallback", got)
	}
	if got := Available(); got <= 0 {
		t.Errorf("Available() = %v", got)
	}
}

func TestHumanBytes(t *testing.T) {
	for _, c := range []struct {
		b    float64
		want string
	}{
		{0, "0.0 B"}, {1023, "1023.0 B"}, {1536, "1.5 KiB"}, {16 << 30, "16.0 GiB"}, {1 << 60, "1024.0 PiB"},
	} {
		if got := HumanBytes(c.b); got != c.want {
			t.Errorf("HumanBytes(%v) = %q, want %q", c.b, got, c.want)
		}
	}
}
