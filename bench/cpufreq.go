package bench

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// CPUFreq is what Linux shows of the CPU frequency policy: a sweep's times
// depend on it (a powersave governor or boost turned off slows every run;
// boost on makes one core faster than all of them together), so env.json
// records it. Every field is omitted where the system does not show it.
type CPUFreq struct {
	// Policies groups the cpufreq policies (policy0, policy1, ...) by
	// their settings, so that 64 identical cores make one entry.
	Policies []CPUFreqPolicy `json:"policies,omitempty"`
	// Boost is cpufreq/boost: "1" when the CPU may run above its base
	// frequency (acpi-cpufreq, amd-pstate), "0" when not.
	Boost string `json:"boost,omitempty"`
	// IntelNoTurbo is intel_pstate/no_turbo: "1" when turbo is off.
	IntelNoTurbo string `json:"intel_pstate_no_turbo,omitempty"`
	// IntelPstateStatus and AMDPstateStatus are the drivers' modes
	// (active, passive, guided).
	IntelPstateStatus string `json:"intel_pstate_status,omitempty"`
	AMDPstateStatus   string `json:"amd_pstate_status,omitempty"`
}

// CPUFreqPolicy is the settings shared by the policies it names.
type CPUFreqPolicy struct {
	Policies []string `json:"policies"`
	Governor string   `json:"governor,omitempty"`
	Driver   string   `json:"driver,omitempty"`
	// EPP is energy_performance_preference, where the driver has one.
	EPP string `json:"energy_performance_preference,omitempty"`
}

// readCPUFreq reads the frequency policy under the sysfs root sys
// ("/sys"): nil when none of its files exist (another OS, a container
// without them, most VMs). A file that is absent or unreadable is left
// out: the facts are worth recording, never worth failing for.
func readCPUFreq(sys string) *CPUFreq {
	cpu := filepath.Join(sys, "devices", "system", "cpu")
	f := &CPUFreq{
		Boost:             readTrim(filepath.Join(cpu, "cpufreq", "boost")),
		IntelNoTurbo:      readTrim(filepath.Join(cpu, "intel_pstate", "no_turbo")),
		IntelPstateStatus: readTrim(filepath.Join(cpu, "intel_pstate", "status")),
		AMDPstateStatus:   readTrim(filepath.Join(cpu, "amd_pstate", "status")),
	}
	dirs, _ := filepath.Glob(filepath.Join(cpu, "cpufreq", "policy*"))
	// policy10 after policy9, not after policy1.
	slices.SortFunc(dirs, func(a, b string) int {
		if len(a) != len(b) {
			return len(a) - len(b)
		}
		return strings.Compare(a, b)
	})
	for _, d := range dirs {
		p := CPUFreqPolicy{
			Governor: readTrim(filepath.Join(d, "scaling_governor")),
			Driver:   readTrim(filepath.Join(d, "scaling_driver")),
			EPP:      readTrim(filepath.Join(d, "energy_performance_preference")),
		}
		if p.Governor == "" && p.Driver == "" && p.EPP == "" {
			continue
		}
		name := filepath.Base(d)
		i := slices.IndexFunc(f.Policies, func(q CPUFreqPolicy) bool {
			return q.Governor == p.Governor && q.Driver == p.Driver && q.EPP == p.EPP
		})
		if i < 0 {
			p.Policies = []string{name}
			f.Policies = append(f.Policies, p)
		} else {
			f.Policies[i].Policies = append(f.Policies[i].Policies, name)
		}
	}
	if f.Policies == nil && f.Boost == "" && f.IntelNoTurbo == "" && f.IntelPstateStatus == "" && f.AMDPstateStatus == "" {
		return nil
	}
	return f
}

// String describes the policy in a line for summary.md, e.g. "governor
// performance (amd-pstate-epp) on 64 policies, boost 1".
func (f *CPUFreq) String() string {
	if f == nil {
		return "not shown by the system"
	}
	var parts []string
	for _, p := range f.Policies {
		s := "governor " + or(p.Governor, "?")
		if p.Driver != "" {
			s += " (" + p.Driver + ")"
		}
		if p.EPP != "" {
			s += ", EPP " + p.EPP
		}
		parts = append(parts, s+" on "+plural(len(p.Policies), "policy", "policies"))
	}
	for _, kv := range [][2]string{{"boost", f.Boost}, {"intel_pstate no_turbo", f.IntelNoTurbo},
		{"intel_pstate", f.IntelPstateStatus}, {"amd_pstate", f.AMDPstateStatus}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	return strings.Join(parts, ", ")
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
