#!/bin/bash
# start.sh - what one run of a program costs before and around its work:
# shmcat of a 4 KiB object against cat, and System V keys removed one
# invocation each (xargs -n 1) against ipcrm -M.  See "Start-up" in
# bench/README.md.
#
#   sudo bash bench/start.sh [BINDIR [BINDIR2]]
#
# BINDIR (default: ../src next to this script) holds the programs; with
# BINDIR2 (another build, e.g. one configured --disable-static-libbsd) both
# are timed in the same hyperfine run.  Environment: RUNS (1000), NKEYS
# (200), KEYRUNS (15).  Needs unshare, hyperfine, ipcrm, cc; strace and
# valgrind, where installed, add system calls and instruction counts.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:-$here/../src}" && pwd)
bin2=${2:+$(cd "$2" && pwd)}

if [ "${SHMT_BENCH_INNER:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "start.sh: run as root (unshare, mount)" >&2; exit 1; }
	export SHMT_BENCH_INNER=1
	exec unshare --ipc --mount --propagation private \
	    bash "$0" "$bin" ${bin2:+"$bin2"}
fi

mount -t tmpfs -o size=64m tmpfs /dev/shm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/helper" "$here/scale-helper.c"
head -c 4096 /dev/urandom >/dev/shm/x
RUNS=${RUNS:-1000} NKEYS=${NKEYS:-200} KEYRUNS=${KEYRUNS:-15}
KEYBASE=0x5b000000

# ratio FILE: each command's mean, median and user+system time, and the
# first command's (the peer's) over it: above 1, faster than the peer.
ratio() {
	python3 - "$1" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))['results']
p = r[0]
cpu = lambda x: x['user'] + x['system']
for x in r:
    print(f"{x['command']:70.70s} mean {x['mean']*1e3:8.3f} ms  median "
          f"{x['median']*1e3:8.3f}  cpu {cpu(x)*1e3:8.3f} | peer/this: "
          f"mean {p['mean']/x['mean']:.2f} median {p['median']/x['median']:.2f} "
          f"cpu {cpu(p)/cpu(x):.2f}")
EOF
}

echo "== shmcat /x (4 KiB) against cat /dev/shm/x, $RUNS runs each, LANG=${LANG:-unset}"
hyperfine -N -w 20 -r "$RUNS" --export-json "$work/cat.json" \
    'cat /dev/shm/x' "$bin/shmcat /x" ${bin2:+"$bin2/shmcat /x"} >/dev/null
ratio "$work/cat.json"

seq 0 $((NKEYS - 1)) | while read -r i; do
	printf '0x%08x\n' $((KEYBASE + i))
done >"$work/keys"
echo "== $NKEYS System V keys removed by xargs -n 1, $KEYRUNS runs each"
hyperfine -N -w 2 -r "$KEYRUNS" --export-json "$work/rm.json" \
    --prepare "$work/helper sysv $NKEYS $KEYBASE" \
    "xargs -n 1 -a $work/keys ipcrm -M" "xargs -n 1 -a $work/keys $bin/shmrm" \
    ${bin2:+"xargs -n 1 -a $work/keys $bin2/shmrm"} >/dev/null
ratio "$work/rm.json"

# One run each, counted: system calls (strace -c) and user instructions
# (callgrind: the machine may have no counters for perf stat).  $prep
# runs before each: the removals need their segment back.
prep=:
count() {
	local calls ir=-
	$prep >/dev/null
	calls=$(strace -f -c -o "$work/sc" "$@" >/dev/null 2>&1; tail -1 "$work/sc" | awk '{print $(NF-2)}')
	if command -v valgrind >/dev/null; then
		$prep >/dev/null
		ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
		    sed -n 's/.*Collected : //p')
	fi
	printf '%-50s %6s calls %10s instructions\n' "$*" "$calls" "$ir"
}
echo "== one run each: system calls, instructions"
count cat /dev/shm/x
for b in "$bin" ${bin2:+"$bin2"}; do
	count "$b/shmcat" /x
done
prep="$work/helper sysv 1 $KEYBASE"
count ipcrm -M $KEYBASE
for b in "$bin" ${bin2:+"$bin2"}; do
	count "$b/shmrm" $KEYBASE
done
