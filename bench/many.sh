#!/bin/bash
# bench/many.sh - shmls --posix against ls -l /dev/shm over many objects
# (figures and how to read them: bench/many.md):
# time (hyperfine) and peak memory (GNU time's %M).
#
# Usage (as root):  bash bench/many.sh [BINDIR]
#   BINDIR  where the built shmls is (default: ../src relative to this script)
#
# Environment:
#   COUNTS="10000 100000"  the numbers of empty POSIX objects to time over
#   RUNS=10 WARMUP=2       hyperfine's --runs and --warmup
#
# As bench/shmls.sh, everything happens in a private IPC, mount and PID
# namespace with its own tmpfs on /dev/shm and its own /proc.
set -eu

die() { printf 'many.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${SHMLS_MANY_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare and a tmpfs)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	[ -x "$bindir/shmls" ] || die "$bindir/shmls is not built (make -j2)"
	for t in unshare hyperfine jq /usr/bin/time; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	export SHMLS_MANY_INNER=1
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir"
fi

BINDIR=$1
COUNTS=${COUNTS:-"10000 100000"}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
# Our PID namespace is private: its processes are all there are.
export SHMTOOLS_PIDNS_PRIVATE=1
work=$(mktemp -d /tmp/shmls-many.XXXXXX)
trap 'rm -rf "$work"' EXIT

mount -t tmpfs -o size=1g,nr_inodes=400k,mode=1777 shmls-many /dev/shm
cd /
printf '%-8s %-10s %-10s %-7s %-12s %-12s\n' objects shmls ls ratio \
    'shmls RSS' 'ls RSS'
have=0
for n in $COUNTS; do
	# Objects obj000001 and up, added to those of the previous count.
	if [ "$n" -gt "$have" ]; then
		(cd /dev/shm && seq -f 'obj%06g' $((have + 1)) "$n" | xargs touch)
		have=$n
	fi
	hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$work/h.json" \
	    "$BINDIR/shmls --posix" 'ls -l /dev/shm' >/dev/null 2>&1
	a=$(jq '.results[0].mean' "$work/h.json")
	b=$(jq '.results[1].mean' "$work/h.json")
	ra=$(/usr/bin/time -f %M "$BINDIR/shmls" --posix 2>&1 >/dev/null | tail -1)
	rb=$(/usr/bin/time -f %M ls -l /dev/shm 2>&1 >/dev/null | tail -1)
	printf '%-8s %-10s %-10s %-7s %-12s %-12s\n' "$n" \
	    "$(printf '%.3fs' "$a")" "$(printf '%.3fs' "$b")" \
	    "$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", a / b }')" \
	    "$(awk -v k="$ra" 'BEGIN { printf "%.1fMiB", k / 1024 }')" \
	    "$(awk -v k="$rb" 'BEGIN { printf "%.1fMiB", k / 1024 }')"
done
