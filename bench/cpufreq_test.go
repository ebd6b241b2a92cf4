package bench

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// fakeSysfs writes files under a temporary sysfs root: path -> content.
func fakeSysfs(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		path := filepath.Join(root, "devices", "system", "cpu", p)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadCPUFreq(t *testing.T) {
	files := map[string]string{
		"cpufreq/boost":                                 "1",
		"amd_pstate/status":                             "active",
		"cpufreq/policy0/scaling_governor":              "performance",
		"cpufreq/policy0/scaling_driver":                "amd-pstate-epp",
		"cpufreq/policy0/energy_performance_preference": "performance",
		"cpufreq/policy1/scaling_governor":              "performance",
		"cpufreq/policy1/scaling_driver":                "amd-pstate-epp",
		"cpufreq/policy1/energy_performance_preference": "performance",
		"cpufreq/policy10/scaling_governor":             "powersave",
		"cpufreq/policy10/scaling_driver":               "amd-pstate-epp",
		"cpufreq/policy2/scaling_governor":              "performance",
		"cpufreq/policy2/scaling_driver":                "amd-pstate-epp",
		"cpufreq/policy2/energy_performance_preference": "performance",
		"cpufreq/policy3/affected_cpus":                 "3", // no setting shown: left out
	}
	got := readCPUFreq(fakeSysfs(t, files))
	want := &CPUFreq{
		Policies: []CPUFreqPolicy{
			{Policies: []string{"policy0", "policy1", "policy2"}, Governor: "performance", Driver: "amd-pstate-epp", EPP: "performance"},
			{Policies: []string{"policy10"}, Governor: "powersave", Driver: "amd-pstate-epp"},
		},
		Boost:           "1",
		AMDPstateStatus: "active",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if s, w := got.String(), "governor performance (amd-pstate-epp), EPP performance on 3 policies, governor powersave (amd-pstate-epp) on 1 policy, boost 1, amd_pstate active"; s != w {
		t.Errorf("String:\n%s\nwant\n%s", s, w)
	}
	// In env.json, absent facts are absent keys, not empty strings.
	b, err := json.Marshal(&CPUFreq{IntelNoTurbo: "0", IntelPstateStatus: "passive"})
	if err != nil || string(b) != `{"intel_pstate_no_turbo":"0","intel_pstate_status":"passive"}` {
		t.Errorf("JSON %s (%v)", b, err)
	}
}

func TestReadCPUFreqAbsent(t *testing.T) {
	if f := readCPUFreq(t.TempDir()); f != nil {
		t.Errorf("an empty sysfs gave %+v, want nil", f)
	}
	if f := readCPUFreq(filepath.Join(t.TempDir(), "missing")); f != nil {
		t.Errorf("a missing sysfs gave %+v, want nil", f)
	}
	var f *CPUFreq
	if f.String() != "not shown by the system" {
		t.Errorf("nil String %q", f.String())
	}
	// A VM with only the intel_pstate switch.
	f = readCPUFreq(fakeSysfs(t, map[string]string{"intel_pstate/no_turbo": "1"}))
	if f == nil || f.IntelNoTurbo != "1" || f.Policies != nil || f.String() != "intel_pstate no_turbo 1" {
		t.Errorf("got %+v (%q)", f, f.String())
	}
}
