#!/bin/bash
# bench/sysvdata.sh - shmcat and shmput on a System V segment against a C
# program doing the same with MADV_POPULATE (bench/sysv-io.c, which data.sh times too), as root
# and as a user who is not (where /proc/self/map_files is closed).
#
# Usage (as root):  bash bench/sysvdata.sh [BINDIR]
#   BINDIR  where the built shmcat, shmput and shmmk are (default: ../src
#           relative to this script)
#
# Environment:
#   SIZE=256M       the size of the segment and of the input file (the
#                   issue measured 1G; 256M keeps a run near two minutes)
#   RUNS=10 WARMUP=2  hyperfine's --runs and --warmup
#   WORKDIR=/var/tmp  where the input and output files go: a disk
#   USER_AS=nobody  the user the non-root rows run as (setpriv)
#   BENCH_OUT=DIR   keep hyperfine's markdown and JSON exports in DIR
#
# Everything happens inside a private IPC, mount and PID namespace with its
# own tmpfs on /dev/shm and /run/lock: the machine's segments are never
# seen or touched, and the segment goes with the namespace.
set -eu

die() { printf 'sysvdata.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${SYSVDATA_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare and setpriv)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	for p in shmcat shmput shmmk; do
		[ -x "$bindir/$p" ] || die "$bindir/$p is not built (make -j2)"
	done
	for t in unshare setpriv ipcrm hyperfine jq cc column numfmt; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT"
		BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	fi
	export SYSVDATA_BENCH_INNER=1 BENCH_OUT="${BENCH_OUT:-}"
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir" "$here"
fi

# --- inside the namespace (we are PID 1) ------------------------------------

BINDIR=$1
HERE=$2
SIZE=${SIZE:-256M}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
WORKDIR=${WORKDIR:-/var/tmp}
USER_AS=${USER_AS:-nobody}
KEY=0x5e000001
export PATH="$BINDIR:$PATH" LC_ALL=C

work=$(mktemp -d "$WORKDIR/shmsysv-bench.XXXXXX")
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"

cleanup() {
	set +e
	rm -rf "$work"
	# the segment dies with the IPC namespace
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs -o mode=1777 shmbench /dev/shm
mount -t tmpfs -o mode=1777 shmlock /run/lock
bytes=$(numfmt --from=iec "${SIZE%B}")
pages=$(( (bytes + 4095) / 4096 ))
# This IPC namespace's limits: the kernel's defaults are huge, but a host
# may have lowered them.
sysctl -q -w kernel.shmmax="$bytes" kernel.shmall="$(( pages * 2 ))"

chmod 755 "$work"
IN=$work/input		# the input file on disk
OUTF=$work/output	# the output file on disk
cc -O2 -Wall -o "$work/sysv-io" "$HERE/sysv-io.c"
PEER=$work/sysv-io
AS="setpriv --reuid=$USER_AS --regid=$(id -g "$USER_AS") --clear-groups"
$AS true || die "cannot run as $USER_AS"

echo "== preparing: $SIZE of random data (kernel $(uname -r), $(nproc) CPUs)"
head -c "$bytes" /dev/urandom >"$IN"
chmod 644 "$IN"
sync "$IN"
shmmk -m 666 -s "$bytes" "$KEY" >/dev/null
shmput -i "$IN" "$KEY"
shmcat "$KEY" | cmp - "$IN" || die "the segment does not hold the data"
$AS shmcat "$KEY" | cmp - "$IN" || die "$USER_AS cannot read the segment"

# bench NAME [HYPERFINE-ARGS...]: one hyperfine run, shmtools first and
# the peer second; exports in $out/NAME.{md,json}.
bench() {
	local name=$1
	shift
	echo
	echo "== $name"
	hyperfine --warmup "$WARMUP" --runs "$RUNS" \
	    --export-markdown "$out/$name.md" --export-json "$out/$name.json" \
	    "$@"
}

# Fresh: the segment is made again before each run (its pages not yet
# allocated), for both programs.  Existing: it holds SIZE bytes already.
fresh_seg="ipcrm -M $KEY; shmmk -m 666 -s $bytes $KEY >/dev/null"
# FILE is on disk: removed and the disk synced before each run.
fresh_file="rm -f $OUTF; sync -f $work"

bench 1-put-fresh \
    --prepare "$fresh_seg" -n "shmput KEY < FILE (fresh)" "shmput $KEY < $IN" \
    --prepare "$fresh_seg" -n "peer put (fresh)" "$PEER put $KEY < $IN"
bench 2-put-existing \
    -n "shmput KEY < FILE" "shmput $KEY < $IN" \
    -n "peer put" "$PEER put $KEY < $IN"
bench 3-put-user \
    -n "shmput KEY < FILE ($USER_AS)" "$AS shmput $KEY < $IN" \
    -n "peer put ($USER_AS)" "$AS $PEER put $KEY < $IN"
bench 4-cat-file-user \
    --prepare "$fresh_file" -n "shmcat KEY > FILE ($USER_AS)" "$AS shmcat $KEY > $OUTF" \
    --prepare "$fresh_file" -n "peer cat > FILE ($USER_AS)" "$AS $PEER get $KEY > $OUTF"
bench 5-cat-file-root \
    --prepare "$fresh_file" -n "shmcat KEY > FILE" "shmcat $KEY > $OUTF" \
    --prepare "$fresh_file" -n "peer cat > FILE" "$PEER get $KEY > $OUTF"
rm -f "$OUTF"
bench 6-cat-pipe-user \
    -n "shmcat KEY | cat ($USER_AS)" "$AS shmcat $KEY | cat >/dev/null" \
    -n "peer cat | cat ($USER_AS)" "$AS $PEER get $KEY | cat >/dev/null"
bench 7-cat-pipe-root \
    -n "shmcat KEY | cat" "shmcat $KEY | cat >/dev/null" \
    -n "peer cat | cat" "$PEER get $KEY | cat >/dev/null"

# the bytes are right, written by either program
shmcat "$KEY" | cmp - "$IN" || die "the segment lost the data"
shmput "$KEY" <"$IN"
$AS shmcat "$KEY" >"$OUTF"
cmp "$OUTF" "$IN" || die "shmcat wrote the wrong bytes"

# --- the table ----------------------------------------------------------------

tab=$(printf '\t')
field() { jq -r ".results[$2].$3" "$out/$1.json"; }

# row RUN: shmtools = command 0, peer = command 1; ratio = peer / shmtools
# (above 1: shmtools faster), of the means, of the medians and of user +
# system time; sd from the two sigmas.
rows=()
row() {
	local run=$1 a sa b sb ma mb ca cb
	a=$(field "$run" 0 mean) sa=$(field "$run" 0 stddev)
	b=$(field "$run" 1 mean) sb=$(field "$run" 1 stddev)
	ma=$(field "$run" 0 median) mb=$(field "$run" 1 median)
	ca=$(jq -r '.results[0] | .user + .system' "$out/$run.json")
	cb=$(jq -r '.results[1] | .user + .system' "$out/$run.json")
	rows+=("$(awk -v run="$run" -v a="$a" -v sa="$sa" -v b="$b" -v sb="$sb" \
	    -v ma="$ma" -v mb="$mb" -v ca="$ca" -v cb="$cb" 'BEGIN {
		r = b / a; e = r * sqrt((sa / a) ^ 2 + (sb / b) ^ 2)
		ok = r >= 1 ? "pass" : "FAIL"
		if ((r >= 1) != (r - e >= 1) || (r >= 1) != (r + e >= 1))
			ok = ok " (within noise)"
		printf "%s\t%.3f s\t%.3f s\t%.2fx\t%.2f\t%.2fx\t%.2fx\t%s",
		    run, a, b, r, e, mb / ma, cb / ca, ok }')")
}
for r in 1-put-fresh 2-put-existing 3-put-user 4-cat-file-user \
    5-cat-file-root 6-cat-pipe-user 7-cat-pipe-root; do
	row "$r"
done

echo
echo "== results: $SIZE, means of $RUNS runs; ratio = peer / shmtools (goal >= 1)"
echo
{
	printf 'run\tshmtools\tpeer\tratio\tsd\tmedian\tcpu\tresult\n'
	printf '%s\n' "${rows[@]}"
} | column -t -s "$tab"
echo
echo "hyperfine exports: $out${BENCH_OUT:+ (kept)}"
