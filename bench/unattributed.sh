#!/bin/bash
# bench/unattributed.sh - how much of free's "shared" column (Shmem) does
# shmls --summary leave unattributed, with the shared memory of real
# programs running?  Issue 21's goal: under 1% of Shmem.
#
# Usage (as root):  bash bench/unattributed.sh [BINDIR]
#   BINDIR  where the built shmls, shmmk and shmput are, and
#           ../tests/clients/{memfd_holder,anon_mapper} beside it
#           (default: ../src relative to this script; make -j2 check
#           builds the clients, or make tests/clients/memfd_holder
#           tests/clients/anon_mapper)
#
# Environment:
#   PG_BIN=/usr/lib/postgresql/15/bin  PostgreSQL's initdb and pg_ctl
#           (Debian's postgresql package; skipped with a note if absent)
#   PG_PORT=54329  its private port (a Unix socket in the work directory,
#           no TCP)
#   MIB=64  MiB of each kind made, every page touched
#
# It runs, each holding MIB MiB written through: PostgreSQL (its
# shared_buffers are an anonymous shared mapping), a Python
# multiprocessing Array shared with a child Process, a memfd mapped by
# two processes and held by none (memfd_holder, MEMFD_MAPPED=1), an
# anonymous mapping shared with a child (anon_mapper), a System V
# segment, a POSIX object in /dev/shm, and an unlinked object held open.
# Then shmls -A --summary (every place of the host, every process seen)
# and the share of Shmem left unattributed.
#
# It all runs in a private IPC, mount and PID namespace with its own
# tmpfs on /dev/shm, never touching the machine's segments, and shmls
# is told the PID namespace is private (SHMTOOLS_PIDNS_PRIVATE=1): it
# sees every process there.  Shmem is the whole machine's, though: what
# processes outside hold is in the unattributed rest, which is why the
# rest is shown before the programs start too, and the programs' own
# share is the rest's growth over Shmem's.  (On a host where shmls -A
# may enter every namespace and read every process, run shmls -A
# --summary beside it for the host's own figure.)  Everything it
# started is stopped at the end, and its work directory removed.
set -eu

die() { printf 'unattributed.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${UNATTR_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare and a tmpfs)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	clients=$(cd "$bindir/../tests/clients" 2>/dev/null && pwd) ||
	    die "no tests/clients beside $bindir"
	for p in "$bindir/shmls" "$bindir/shmmk" "$bindir/shmput" \
	    "$clients/memfd_holder" "$clients/anon_mapper"; do
		[ -x "$p" ] || die "$p is not built"
	done
	for t in unshare python3 jq free; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	export UNATTR_BENCH_INNER=1
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    --propagation private \
	    bash "$here/$(basename "$0")" "$bindir" "$clients"
fi

# --- inside the IPC and mount namespaces --------------------------------------

BINDIR=$1
CLIENTS=$2
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=${PG_PORT:-54329}
MIB=${MIB:-64}
BYTES=$(( MIB * 1024 * 1024 ))
KEY=0x5d000021
export PATH="$BINDIR:$PATH" LC_ALL=C SHMTOOLS_PIDNS_PRIVATE=1
# The interpreter itself, not a wrapper that forks it (pyenv's shims):
# its pid is the one to stop.
PYTHON=$(python3 -c 'import sys; print(sys.executable)')

work=$(mktemp -d /tmp/unattributed-bench.XXXXXX)
chmod 755 "$work"
pids=()
pg=

cleanup() {
	set +e
	if [ -n "$pg" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg" -m fast \
		    -w stop >/dev/null
	fi
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
	# /dev/shm and the System V segment die with the namespaces.
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount -t tmpfs -o "mode=1777,size=$(( 4 * MIB + 64 ))m" shmbench /dev/shm

# fill ADDRESS: MIB MiB of bytes written into it, every page touched.
fill() {
	head -c "$BYTES" /dev/zero | tr '\0' x | shmput "$1"
}

echo "== $(uname -r), $(nproc) CPUs; ${MIB} MiB of each"
shmls --summary -J >"$work/before.json"

# PostgreSQL: shared_buffers of MIB MiB, filled with a table (pg_prewarm:
# a plain scan of a large table goes through a small ring of buffers).
if [ -x "$PG_BIN/initdb" ] && id postgres >/dev/null 2>&1; then
	mkdir -m 700 "$work/pg" "$work/sock"
	chown postgres: "$work/pg" "$work/sock"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$work/pg" -A trust \
	    >/dev/null
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$work/pg" -w -l \
	    "$work/sock/pg.log" -o "-p $PG_PORT -k $work/sock -c listen_addresses='' \
	    -c shared_buffers=${MIB}MB" start >/dev/null
	pg=1
	runuser -u postgres -- "$PG_BIN/psql" -q -h "$work/sock" -p "$PG_PORT" \
	    -d postgres -c "create table t as select g, repeat('x', 200) s
	    from generate_series(1, $(( MIB * 4000 ))) g" \
	    -c "create extension if not exists pg_prewarm" \
	    -c "select pg_prewarm('t')" >/dev/null
	echo "   PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}'): shared_buffers=${MIB}MB"
else
	echo "   PostgreSQL: not installed ($PG_BIN), left out"
fi

# Python multiprocessing: an Array shared with a child Process.
"$PYTHON" - "$BYTES" "$work/py.ready" <<'PY' &
import ctypes, multiprocessing as mp, sys, time
n, ready = int(sys.argv[1]), sys.argv[2]
a = mp.Array(ctypes.c_char, n, lock=False)
ctypes.memset(ctypes.addressof(a), ord("x"), n)
p = mp.Process(target=time.sleep, args=(100000,), daemon=True)
p.start()
with open(ready + ".tmp", "w") as f:
    print(p.pid, file=f)
import os
os.rename(ready + ".tmp", ready)
time.sleep(100000)
PY
pids+=($!)

# A memfd mapped by two processes, its descriptor closed (PulseAudio).
MEMFD_MAPPED=1 "$CLIENTS/memfd_holder" pool "$BYTES" x "$work/memfd.ready" &
pids+=($!)
# Anonymous memory shared with a child.
"$CLIENTS/anon_mapper" anon "$BYTES" x "$work/anon.ready" &
pids+=($!)
# System V, /dev/shm, an unlinked object held open.
shmmk -s "${MIB}M" "$KEY" >/dev/null
fill "$KEY"
shmmk -s "${MIB}M" /bench >/dev/null
fill /bench
shmmk -s "${MIB}M" /gone >/dev/null
fill /gone
exec 5</dev/shm/gone
sleep 100000 &
pids+=($!)
exec 5<&-
rm /dev/shm/gone
for f in py memfd anon; do
	for i in $(seq 500); do
		[ -e "$work/$f.ready" ] && break
		sleep 0.02
	done
	[ -e "$work/$f.ready" ] || die "$f did not start"
done
read -r pid <"$work/py.ready"
pids+=("$pid")
read -r pid range child <"$work/memfd.ready"
fill "memfd:$pid:$range"
read -r pid range child <"$work/anon.ready"
fill "anon:$pid:$range"

echo
echo "== shmls --summary"
shmls --summary
echo
echo "== the anonymous and unlinked rows (shmls --anon --posix -o TYPE,ADDRESS,SIZE,RSS,NATTCH,COMMAND)"
shmls --anon --posix -o TYPE,ADDRESS,SIZE,RSS,NATTCH,COMMAND
echo
free -m | sed -n '1,2p'
shmls --summary -J >"$work/during.json"
jq -r -n --slurpfile b "$work/before.json" --slurpfile d "$work/during.json" '
    def v($j; $t): $j[0].shm[] | select(.type == $t) | .shmem;
    def pct($a; $b): ($a * 10000 / $b | floor) / 100;
    v($b; "Shmem") as $t0 | v($b; "unattributed") as $u0 |
    v($d; "Shmem") as $t1 | v($d; "unattributed") as $u1 |
    if $u0 == null or $u1 == null then
        "unattributed: unknown (some process cannot be seen)"
    else
        "before: unattributed \($u0) of \($t0) bytes of Shmem (\(pct($u0; $t0))%)",
        "during: unattributed \($u1) of \($t1) bytes of Shmem (\(pct($u1; $t1))%)",
        "the programs: Shmem grew by \($t1 - $t0), the unattributed rest by \($u1 - $u0) (\(pct($u1 - $u0; $t1 - $t0))% of the growth)"
    end'
