#!/bin/sh
# env.sh prints what is known about this machine that matters for benchmark
# numbers: CPU, cores, frequency policy, memory, virtualisation, load and
# limits. `mandel bench` records the essentials in env.json by itself; this is
# the long form, kept next to the results (machine.txt) by bench-many-core.sh.
# Every probe is optional: a missing tool is noted and skipped.
#
# Usage: scripts/env.sh > machine.txt

section() { printf '\n## %s\n' "$1"; }
try() {
	if command -v "$1" >/dev/null 2>&1; then
		"$@" 2>&1
	else
		echo "($1: not available)"
	fi
}
show() { [ -r "$1" ] && { printf '%s: ' "$1"; cat "$1"; } 2>/dev/null; }

echo "# machine description, $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
section "host";    try uname -a; show /etc/os-release | head -n 4
section "cpu";     try lscpu
section "cpu model (/proc/cpuinfo)"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null || echo "(no /proc/cpuinfo)"
echo "logical cpus: $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?'), usable: $(try nproc)"
section "numa";    try numactl --hardware
section "frequency policy"
for f in /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor \
	/sys/devices/system/cpu/cpu0/cpufreq/scaling_driver \
	/sys/devices/system/cpu/cpufreq/boost \
	/sys/devices/system/cpu/intel_pstate/no_turbo \
	/sys/devices/system/cpu/smt/active; do
	show "$f"
done
section "virtualisation"; try systemd-detect-virt
section "cgroup cpu limit"
show /sys/fs/cgroup/cpu.max || show /sys/fs/cgroup/cpu/cpu.cfs_quota_us
section "memory";  try free -h
section "load";    show /proc/loadavg; try uptime
section "busiest processes"
ps -eo pid,pcpu,pmem,comm --sort=-pcpu 2>/dev/null | head -n 8 || echo "(no ps)"
section "go";      try go version
