#!/usr/bin/env bash
# cluster.sh brings a one-node Slurm cluster up on localhost, or down again,
# so that mandel's sharded renders can be tried (and tested) against a real
# scheduler. It needs root, Debian's packages slurmctld, slurmd,
# slurm-client and munge (`cluster.sh install` installs the missing ones)
# and no systemd: the daemons are started directly.
#
#   scripts/slurm/cluster.sh missing   # print the missing packages; exit 1 if any
#   scripts/slurm/cluster.sh install   # apt-get the packages, only if missing
#   scripts/slurm/cluster.sh up        # configure and start munged, slurmctld, slurmd
#   scripts/slurm/cluster.sh down      # stop them by their PID files
#
# State, logs and the configuration live in $SLURM_DEMO_DIR (default
# /tmp/mandel-slurm), not in /etc/slurm: the Slurm commands find it through
# SLURM_CONF, which `up` prints for the shell that submits. `down` leaves
# the folder for the logs. munged (the key in /etc/munge, made only if
# missing) is started only if it is not running, and `down` stops it only
# if `up` started it. Exit status 3 means the packages cannot be installed
# here.
set -euo pipefail

dir=${SLURM_DEMO_DIR:-/tmp/mandel-slurm}
conf=${SLURM_CONF:-$dir/slurm.conf}
export SLURM_CONF=$conf

missing() {
	local m=()
	command -v slurmctld >/dev/null || m+=(slurmctld)
	command -v slurmd >/dev/null || m+=(slurmd)
	command -v sbatch >/dev/null || m+=(slurm-client)
	command -v munged >/dev/null || m+=(munge)
	echo "${m[*]}"
	((${#m[@]} == 0))
}

install() {
	local m log
	if m=$(missing); then
		return 0
	fi
	if [[ $(id -u) != 0 ]] || ! command -v apt-get >/dev/null; then
		echo "cluster.sh: need root and apt-get to install $m" >&2
		exit 3
	fi
	echo "cluster.sh: installing $m" >&2
	log=$(mktemp)
	# shellcheck disable=SC2086 # $m is a list of package names
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $m; } >"$log" 2>&1; then
		echo "cluster.sh: apt-get could not install $m:" >&2
		tail -n 20 "$log" >&2
		rm -f "$log"
		exit 3
	fi
	rm -f "$log"
}

up() {
	mkdir -p "$dir"/{spool,state,log}
	# munged refuses a key or a socket directory that others can write.
	mkdir -p /run/munge /etc/munge
	chown munge:munge /run/munge && chmod 0755 /run/munge
	if [[ ! -s /etc/munge/munge.key ]]; then
		dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
	fi
	chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
	if [[ ! -S /run/munge/munge.socket.2 ]] || ! pgrep -x munged >/dev/null; then
		runuser -u munge -- munged
		touch "$dir/munged.started"
		for _ in $(seq 50); do
			[[ -S /run/munge/munge.socket.2 ]] && break
			sleep 0.1
		done
	fi

	# The batch scheduler's default delays make sbatch --wait take tens of
	# seconds; with them at zero a small array job returns in about 2 s.
	mkdir -p "$(dirname "$conf")"
	cat >"$conf" <<EOF
ClusterName=mandel
SlurmctldHost=localhost
SlurmUser=root
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmdSpoolDir=$dir/spool
StateSaveLocation=$dir/state
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=demo Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
	slurmctld -f "$conf"
	slurmd -f "$conf" -N localhost
	for _ in $(seq 100); do
		if sinfo -h -o %t 2>/dev/null | grep -qx idle; then
			echo "cluster.sh: up (sinfo: $(sinfo -h -o '%P %D %t')); submit with: export SLURM_CONF=$conf" >&2
			return 0
		fi
		sleep 0.2
	done
	echo "cluster.sh: the node did not become idle; see $dir/log/" >&2
	sinfo >&2 || true
	exit 1
}

# running reports whether one of the daemons named is still running.
running() {
	local d
	for d in "$@"; do
		pgrep -x "$d" >/dev/null && return 0
	done
	return 1
}

down() {
	local daemons=(slurmd slurmctld)
	for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid"; do
		if [[ -s $pidfile ]]; then
			kill "$(cat "$pidfile")" 2>/dev/null || true
		fi
	done
	if [[ -e $dir/munged.started && -s /run/munge/munged.pid ]]; then
		kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
		rm -f "$dir/munged.started"
		daemons+=(munged)
	fi
	# The next up must not find a daemon on its way out.
	for _ in $(seq 100); do
		running "${daemons[@]}" || return 0
		sleep 0.1
	done
	echo "cluster.sh: daemons still running after down" >&2
	return 1
}

case ${1:-} in
missing) missing ;;
install) install ;;
up) up ;;
down) down ;;
*)
	echo "usage: cluster.sh missing|install|up|down" >&2
	exit 2
	;;
esac
