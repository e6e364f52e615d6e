#!/bin/bash
# bench/ns.sh - shmls -A on a container host, against what users run today:
# nsenter into each container and list its segments there.
#
# Usage (as root):  bash bench/ns.sh [BINDIR]
#   BINDIR  where the built shmls is (default: ../src relative to this
#           script)
#
# Environment:
#   NCONT=20       containers: a sleep in its own IPC and mount namespace,
#                  with its own tmpfs on /dev/shm
#   NSEG=1000      System V segments in each container
#   NPOSIX=50      POSIX objects in each container's /dev/shm
#   RUNS=10 WARMUP=2   hyperfine's --runs and --warmup
#   SEGSIZE=4096   bytes per segment and object
#   BENCH_OUT=DIR  keep hyperfine's JSON exports in DIR
#
# Everything happens inside a private IPC, mount and PID namespace with its
# own tmpfs on /dev/shm and /run/lock and its own /proc, as in scale.sh:
# the machine's segments are never seen or touched, and the containers,
# their segments and their tmpfs go with the namespace.
set -eu

die() { printf 'ns.sh: %s\n' "$*" >&2; exit 1; }

NCONT=${NCONT:-20}
NSEG=${NSEG:-1000}
NPOSIX=${NPOSIX:-50}

if [ -z "${NS_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare, nsenter and tmpfs)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	[ -x "$bindir/shmls" ] || die "$bindir/shmls is not built (make -j2)"
	for t in unshare nsenter hyperfine lsipc ipcs cc jq awk; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	"$bindir/shmls" --help | grep -q -- --all-namespaces ||
	    die "$bindir/shmls has no -A (--all-namespaces)"
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT"
		BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	fi
	export NS_BENCH_INNER=1 BENCH_OUT="${BENCH_OUT:-}" NCONT NSEG NPOSIX
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir" "$here"
fi

# --- inside the namespace (we are PID 1) ------------------------------------

BINDIR=$1
HERE=$2
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
SEGSIZE=${SEGSIZE:-4096}
KEYBASE=0x5c000000
export SEGSIZE LC_ALL=C
# This PID namespace is the whole world of the benchmark: say so, so that
# shmls counts the users of POSIX objects as it would on a host.
export SHMTOOLS_PIDNS_PRIVATE=1

work=$(mktemp -d /tmp/shm-ns.XXXXXX)
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
containers=()

cleanup() {
	set +e
	local c
	for c in "${containers[@]}"; do
		kill "$c" 2>/dev/null
		wait "$c" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs -o mode=1777,size=64m shmns /dev/shm
if [ -d /run/lock ]; then
	mount -t tmpfs -o mode=1777,size=16m shmlock /run/lock
fi

# The state is made without the code being measured (scale.sh's helper).
helper=$work/scale-helper
cc -O2 -Wall -o "$helper" "$HERE/scale-helper.c" ||
    die "cannot compile $HERE/scale-helper.c"

# Time a copy, so that a rebuild in BINDIR during the run cannot get in
# the way.
mkdir "$work/bin"
cp "$BINDIR/shmls" "$work/bin/"
export PATH="$work/bin:$PATH"
shmls --version >/dev/null || die "$BINDIR/shmls does not run (mid-build?)"

# --- the containers ----------------------------------------------------------

size=$(( (NSEG + NPOSIX) * (SEGSIZE / 4096 + 1) * 4 + 1024 ))k
printf 'ns.sh: %d containers, %d System V segments and %d POSIX objects each\n' \
    "$NCONT" "$NSEG" "$NPOSIX" >&2
for i in $(seq 1 "$NCONT"); do
	unshare --ipc --mount --propagation private sh -c \
	    "mount -t tmpfs -o mode=1777,size=$size ns$i /dev/shm && exec sleep infinity" &
	containers+=("$!")
done
for c in "${containers[@]}"; do
	tries=250
	until [ "$(cat "/proc/$c/comm" 2>/dev/null)" = sleep ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || die "container $c did not start"
		sleep 0.02
	done
	nsenter -t "$c" --ipc --mount -- "$helper" sysv "$NSEG" "$KEYBASE" >/dev/null
	nsenter -t "$c" --ipc --mount -- "$helper" posix 0 "$NPOSIX" >/dev/null
done
pids=${containers[*]}

# Each must see the whole state before it is timed.
want=$(( NCONT * (NSEG + NPOSIX) ))
got=$(shmls -A -rn -o ADDRESS | wc -l)
[ "$got" -eq "$want" ] || die "shmls -A lists $got segments, not $want"
got=$(for p in $pids; do nsenter -t "$p" -i -m lsipc -m --noheadings; done | wc -l)
[ "$got" -eq $(( NCONT * NSEG )) ] || die "the lsipc loop lists $got segments"

# --- measuring ------------------------------------------------------------------

# measure NAME CMD... (pairs of name, command): one hyperfine run; the
# first command is ours, the second the one users run today (ratios are
# to it).
results=()
measure() {
	local bench=$1 json args=() i n s c peer pcpu
	shift
	printf '\n=== %s ===\n' "$bench"
	while [ $# -gt 0 ]; do
		args+=(-n "$1" "$2")
		shift 2
	done
	json=$out/ns-$bench.json
	hyperfine -N --style basic --runs "$RUNS" --warmup "$WARMUP" \
	    --export-json "$json" "${args[@]}"
	# Wall clock (the median run) is what a user waits for; CPU time
	# (user + system, mean) moves less when the machine is busy.
	n=$(jq '.results | length' "$json")
	peer=$(jq -r '.results[1].median' "$json")
	pcpu=$(jq -r '.results[1] | .user + .system' "$json")
	for ((i = 0; i < n; i++)); do
		s=$(jq -r ".results[$i].median" "$json")
		c=$(jq -r ".results[$i] | .user + .system" "$json")
		results+=("$(printf '%s\t%s\t%.3f\t%.3f\t%.3f\t%.3f' "$bench" \
		    "$(jq -r ".results[$i].command" "$json")" "$s" \
		    "$(awk -v s="$s" -v p="$peer" 'BEGIN { print s / p }')" "$c" \
		    "$(awk -v s="$c" -v p="$pcpu" 'BEGIN { print s / p }')")")
	done
}

loop() {
	printf "bash -c 'for p in %s; do nsenter -t \$p -i -m %s; done'" "$pids" "$1"
}

measure sysv \
    'shmls -A --sysv' 'shmls -A --sysv' \
    'nsenter ... lsipc -m' "$(loop 'lsipc -m')" \
    'nsenter ... ipcs -m' "$(loop 'ipcs -m')"
measure all \
    'shmls -A' 'shmls -A' \
    'nsenter ... lsipc -m; ls -l /dev/shm' "$(loop 'sh -c "lsipc -m; ls -l /dev/shm"')" \
    'nsenter ... ipcs -m; ls -l /dev/shm' "$(loop 'sh -c "ipcs -m; ls -l /dev/shm"')"

printf '\n%d containers x (%d System V + %d POSIX); seconds, ratios to the second row\n' \
    "$NCONT" "$NSEG" "$NPOSIX"
printf '%-4s %-38s %7s %6s %7s %6s\n' test command median ratio cpu ratio
for r in "${results[@]}"; do
	IFS=$'\t' read -r b c s x u y <<<"$r"
	printf '%-4s %-38s %7s %6s %7s %6s\n' "$b" "$c" "$s" "$x" "$u" "$y"
done
