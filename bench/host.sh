#!/bin/bash
# bench/host.sh - shmtools on a real host: the same questions as the tools
# people use instead, with N processes running beside them.
#
# Usage (as root):  bash bench/host.sh [BINDIR]
#   BINDIR  where the built programs are (default: ../src beside this script)
#
# Environment:
#   PROCS="0 1000 5000"  background processes (each maps one of 64 objects
#                        and sleeps: every one is a /proc entry to read)
#   NSYSV=10000 NPOSIX=10000  System V segments and POSIX objects present
#   RUNS=10 WARMUP=2     hyperfine's --runs and --warmup
#   BENCH_OUT=DIR        keep hyperfine's JSON exports in DIR
#
# It prints one table: for each pair and each PROCS, the median times and
# the ratio peer/shmtools (above 1: shmtools is faster), from one
# hyperfine run per pair.  Everything happens in a private IPC, mount and
# PID namespace with its own /dev/shm and /proc: the machine's segments
# are never seen or touched.
set -eu

die() { printf 'host.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${HOST_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare and a tmpfs)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd)
	for t in hyperfine unshare ipcs fuser jq cc; do
		command -v "$t" >/dev/null || die "$t not found"
	done
	export HOST_BENCH_INNER=1
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir" "$here"
fi

BINDIR=$1
HERE=$2
PROCS=${PROCS:-0 1000 5000}
NSYSV=${NSYSV:-10000}
NPOSIX=${NPOSIX:-10000}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
KEYBASE=0x5d000000
export LC_ALL=C SHMTOOLS_PIDNS_PRIVATE=1 SEGSIZE=4096

work=$(mktemp -d /tmp/shm-host.XXXXXX)
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
procs_pid=
cleanup() {
	set +e
	[ -n "$procs_pid" ] && kill "$procs_pid" && wait "$procs_pid"
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs -o mode=1777,size=2g,nr_inodes=500k shmhost /dev/shm
[ -d /run/lock ] && mount -t tmpfs -o mode=1777,size=64m shmlock /run/lock
echo 32768 > /proc/sys/kernel/shmmni
cc -O2 -Wall -o "$work/helper" "$HERE/scale-helper.c" ||
    die "cannot compile scale-helper.c"
mkdir "$work/bin"
cp "$BINDIR"/shm{ls,rm,cat,put} "$work/bin/"
export PATH="$work/bin:$PATH"

"$work/helper" sysv "$NSYSV" "$KEYBASE" >/dev/null
"$work/helper" posix 0 "$NPOSIX" >/dev/null
key=$(printf '0x%08x' $((KEYBASE + NSYSV / 2)))
id=$(ipcs -m | awk -v k="$key" '$1 == k { print $2 }')
[ -n "$id" ] || die "no segment with key $key"
obj=$(printf 'o-%06d' $((NPOSIX / 2)))
[ -e "/dev/shm/$obj" ] || die "no object /dev/shm/$obj"

# pair NAME SHMTOOLS PEER: one hyperfine run, medians and the ratio.
pair() {
	local name=$1 ours=$2 peer=$3 json
	json=$out/$name-$nproc.json
	# Ours must work: a failure would time an error message (-i lets
	# the peer fail, as fuser does where no process uses the file).
	sh -c "$ours" >/dev/null 2>&1 || die "'$ours' fails"
	hyperfine -N -i -w "$WARMUP" -r "$RUNS" --export-json "$json" \
	    "$ours" "$peer" >/dev/null 2>&1 || {
		printf '%-22s %6s  (failed)\n' "$name" "$nproc"
		return
	}
	jq -r --arg n "$name" --arg p "$nproc" '
	    .results as $r | ($r[0].median) as $a | ($r[1].median) as $b |
	    "\($n)\t\($p)\t\($a * 1000 | . * 10 | round / 10)\t\($b * 1000 |
	    . * 10 | round / 10)\t\($b / $a * 100 | round / 100)"' "$json"
}

printf 'work\tprocesses\tshmtools ms\tpeer ms\tpeer/shmtools\n'
for nproc in $PROCS; do
	if [ "$nproc" -gt 0 ]; then
		"$work/helper" procs "$nproc" >"$work/procs.out" &
		procs_pid=$!
		until grep -q ready "$work/procs.out" 2>/dev/null; do
			kill -0 "$procs_pid" || die "helper procs died"
			sleep 0.1
		done
	fi
	pair shmls-name "shmls /$obj" "fuser -v /dev/shm/$obj"
	pair shmls-key "shmls $key" "ipcs -m -i $id"
	pair shmls-sysv "shmls --sysv" "ipcs -m"
	pair shmls-posix "shmls --posix -o ADDRESS,SIZE,OWNER,PERMS,MTIME" \
	    "ls -l /dev/shm"
	pair scan-sysv "shmls --sysv -o ADDRESS,PIDS" \
	    "sh -c 'grep -h SYSV /proc/[0-9]*/maps'"
	if [ -n "$procs_pid" ]; then
		kill "$procs_pid"
		wait "$procs_pid" || true
		procs_pid=
	fi
done
