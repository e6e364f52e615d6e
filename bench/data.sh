#!/bin/bash
# bench/data.sh - time shmcat and shmput against cat on a 1 GiB segment.
#
# Usage (as root):  bash bench/data.sh [BINDIR]
#   BINDIR  where the built shmcat, shmput and shmmk are (default: ../src
#           relative to this script)
#
# Environment:
#   SIZE=1G         the size of the segments and of the input file
#   SHM_SIZE=5g     the private tmpfs on /dev/shm (room for four SIZEs)
#   RUNS=10 WARMUP=2  hyperfine's --runs and --warmup
#   WORKDIR=/var/tmp  where the input and output files go: a disk, not a
#                   tmpfs (the input is read from the page cache all the same)
#   BENCH_OUT=DIR   keep hyperfine's markdown and JSON exports in DIR
#                   (default: a temporary directory, removed at the end)
#   ONLY="6a 6b 7"  run only the comparisons whose names start so (and
#                   5-rss only when named); default: all
#   SETTLE=3        seconds 6b waits after removing an output file (a VM
#                   hands freed pages back to its host: see below)
#
# Everything happens inside a private IPC, mount and PID namespace with its
# own tmpfs on /dev/shm: the machine's segments are never seen or touched,
# and what the benchmark made in /dev/shm and the System V table goes with
# the namespace.  The files in WORKDIR are removed at the end.
set -eu

die() { printf 'data.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${DATA_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare and a tmpfs)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	for p in shmcat shmput shmmk; do
		[ -x "$bindir/$p" ] || die "$bindir/$p is not built (make -j2)"
	done
	for t in unshare hyperfine jq cc column numfmt setpriv; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
		die "GNU time is not installed as /usr/bin/time (Debian package 'time')"
	fi
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT"
		BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	fi
	export DATA_BENCH_INNER=1 BENCH_OUT="${BENCH_OUT:-}"
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir" "$here"
fi

# --- inside the namespace (we are PID 1) ------------------------------------

BINDIR=$1
HERE=$2
SIZE=${SIZE:-1G}
ONLY=${ONLY:-}
SHM_SIZE=${SHM_SIZE:-5g}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
WORKDIR=${WORKDIR:-/var/tmp}
KEY=0x5d000001
export PATH="$BINDIR:$PATH" LC_ALL=C

work=$(mktemp -d "$WORKDIR/shmdata-bench.XXXXXX")
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"

cleanup() {
	set +e
	rm -rf "$work"
	# /dev/shm and the System V segment die with the namespaces.
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs -o "mode=1777,size=$SHM_SIZE" shmbench /dev/shm

bytes=$(numfmt --from=iec "${SIZE%B}")
fstype=$(stat -f -c %T "$work")
[ "$fstype" != tmpfs ] ||
    echo "data.sh: note: WORKDIR $WORKDIR is a tmpfs, not a disk" >&2

IN=$work/input		# the input file on disk
OUTF=$work/output	# the output file on disk
# Where a user who is not root writes (6b): the work directory is root's.
chmod 711 "$work"
mkdir -m 1777 "$work/user"
OUTU=$work/user/output
AS_USER="setpriv --reuid=65534 --regid=65534 --clear-groups"
cc -O2 -Wall -o "$work/sysv-io" "$HERE/sysv-io.c" ||
    die "cannot compile sysv-io.c"
chmod 755 "$work/sysv-io"

# want NAME: NAME is selected by ONLY (a prefix of it is listed), or ONLY
# is empty.
want() {
	local w
	[ -n "$ONLY" ] || return 0
	for w in $ONLY; do
		case $1 in "$w"*) return 0 ;; esac
	done
	return 1
}

# --- the data ---------------------------------------------------------------

echo "== preparing: $SIZE of random data (kernel $(uname -r), $(nproc) CPUs)"
echo "   input file: $IN ($fstype); /dev/shm: tmpfs size=$SHM_SIZE"
head -c "$bytes" /dev/urandom >"$IN"
sync "$IN"
cp "$IN" /dev/shm/x		# the POSIX object the readers read
cp "$IN" /dev/shm/y		# the cat baselines' existing destination
cp "$IN" /dev/shm/e		# shmput's existing destination
shmmk -s "$bytes" -m 0644 "$KEY" >/dev/null	# 6b reads it as a user
printf '%4096s' '' | tr ' ' s > /dev/shm/s	# 7: a 4 KiB object
shmput -i "$IN" "$KEY"
shmcat "$KEY" | cmp - "$IN" || die "the System V segment does not hold the data"
cmp /dev/shm/x "$IN"
# The input is in the page cache now, and stays there: each comparison
# reads it warm, for shmtools and the baseline alike.  A cold read would
# time the disk, not the programs.
echo "   page cache: $(awk '/^Cached:/ { printf "%d MiB cached", $2 / 1024 }' \
    /proc/meminfo) (the input is read from the cache, warm)"

# --- the comparisons ----------------------------------------------------------

# bench NAME [HYPERFINE-ARGS...] -- CMD...: one hyperfine run over the
# commands, exports in $out/NAME.{md,json}.
bench() {
	local name=$1
	shift
	want "$name" || return 0
	echo
	echo "== $name"
	hyperfine --warmup "$WARMUP" --runs "$RUNS" \
	    --export-markdown "$out/$name.md" --export-json "$out/$name.json" \
	    "$@"
}

# mean NAME INDEX: the mean of the INDEXth command of run NAME, seconds.
mean() {
	jq -r ".results[$2].mean" "$out/$1.json"
}

pipe_cat='cat >/dev/null'

# (1) POSIX into a pipe
bench 1-posix-pipe \
    -n "shmcat /x | cat" "shmcat /x | $pipe_cat" \
    -n "cat /dev/shm/x | cat" "cat /dev/shm/x | $pipe_cat"

# (2) POSIX into a file and into /dev/null; the memcpy-ish reference
# FILE is on disk: before each run, remove it and write back what the
# last run left dirty, so that no run pays for another's writeback or
# truncation.
fresh_file="rm -f $OUTF; sync -f $work"
bench 2a-posix-file \
    --prepare "$fresh_file" -n "shmcat /x > FILE" "shmcat /x > $OUTF" \
    --prepare "$fresh_file" -n "cat /dev/shm/x > FILE" "cat /dev/shm/x > $OUTF"
rm -f "$OUTF"
bench 2b-posix-null -N \
    -n "shmcat /x > /dev/null" "shmcat /x" \
    -n "cat /dev/shm/x > /dev/null" "cat /dev/shm/x" \
    -n "dd bs=1M (reference)" "dd if=/dev/shm/x of=/dev/null bs=1M status=none"

# (3) System V into a pipe
bench 3-sysv-pipe \
    -n "shmcat KEY | cat" "shmcat $KEY | $pipe_cat" \
    -n "cat /dev/shm/x | cat" "cat /dev/shm/x | $pipe_cat"

# (4) shmput from a file and from a pipe, into a fresh and an existing
# segment.  Fresh: created (sparse) before each run, as cat's destination
# is removed before each run.  Existing: holds SIZE bytes already; cat's
# ">" truncates it and allocates again, shmput overwrites it in place.
fresh_shm="rm -f /dev/shm/p; shmmk -s $bytes /p >/dev/null"
fresh_cat="rm -f /dev/shm/p"
bench 4a-put-file-fresh \
    --prepare "$fresh_shm" -n "shmput /p < FILE (fresh)" "shmput /p < $IN" \
    --prepare "$fresh_cat" -n "cat FILE > /dev/shm/p (fresh)" "cat $IN > /dev/shm/p"
bench 4b-put-file-existing \
    -n "shmput /e < FILE (existing)" "shmput /e < $IN" \
    -n "cat FILE > /dev/shm/y (existing)" "cat $IN > /dev/shm/y"
bench 4c-put-pipe-fresh \
    --prepare "$fresh_shm" -n "cat FILE | shmput /p (fresh)" "cat $IN | shmput /p" \
    --prepare "$fresh_cat" -n "cat FILE | cat > /dev/shm/p (fresh)" "cat $IN | cat > /dev/shm/p"
bench 4d-put-pipe-existing \
    -n "cat FILE | shmput /e (existing)" "cat $IN | shmput /e" \
    -n "cat FILE | cat > /dev/shm/y (existing)" "cat $IN | cat > /dev/shm/y"
rm -f /dev/shm/p
# the data survived the runs
cmp /dev/shm/e "$IN" || die "shmput wrote the wrong bytes"

# (6) System V against a C program doing the same with MADV_POPULATE
# (sysv-io.c): shmput KEY from a file, and shmcat KEY into a file as a
# user who is not root (nobody: the segment is 0644).  Each works once,
# bytes compared, before it is timed.
"$work/sysv-io" put "$KEY" < "$IN"
shmcat "$KEY" | cmp - "$IN" || die "sysv-io put wrote the wrong bytes"
{ $AS_USER shmcat "$KEY" > "$OUTU" && cmp "$OUTU" "$IN"; } ||
    die "shmcat $KEY as nobody failed"
{ $AS_USER "$work/sysv-io" get "$KEY" > "$OUTU" && cmp "$OUTU" "$IN"; } ||
    die "sysv-io get as nobody failed"
rm -f "$OUTU"
bench 6a-sysv-put-file \
    -n "shmput KEY < FILE" "shmput $KEY < $IN" \
    -n "sysv-io put KEY < FILE (MADV_POPULATE_WRITE)" "$work/sysv-io put $KEY < $IN"
# Each run also waits SETTLE seconds after the removal: on a virtual
# machine with free page reporting (virtio-balloon, 2 s) the pages the
# removal freed go back to the host, and the next 1 GiB of page cache
# faults each in again on the host.  Without the wait, whichever command
# comes first after a pause pays that (measured at 2-3x the CPU, for
# shmcat and sysv-io alike, whichever was put first); with it every run
# of both pays it.  SETTLE=0 for a machine without a balloon.
fresh_user="rm -f $OUTU; sync -f $work; sleep ${SETTLE:-3}"
bench 6b-sysv-get-file-user \
    --prepare "$fresh_user" -n "shmcat KEY > FILE (nobody)" "$AS_USER shmcat $KEY > $OUTU" \
    --prepare "$fresh_user" -n "sysv-io get KEY > FILE (nobody, MADV_POPULATE_READ)" \
    "$AS_USER $work/sysv-io get $KEY > $OUTU"
rm -f "$OUTU"
shmcat "$KEY" | cmp - "$IN" || die "shmput wrote the wrong bytes"

# (7) start-up: 1,000 shmcat of a 4 KiB object against 1,000 cat.
[ "$(shmcat /s | wc -c)" -eq 4096 ] || die "shmcat /s does not read 4 KiB"
# shellcheck disable=SC2016 # the loops' shell expands $(seq)
bench 7-small-loop \
    -n "1000 x shmcat /s (4 KiB)" 'for i in $(seq 1000); do shmcat /s; done' \
    -n "1000 x cat /dev/shm/s" 'for i in $(seq 1000); do cat /dev/shm/s; done'

# --- (5) peak memory ------------------------------------------------------------

# A sampler: runs a command, reads its /proc/PID/status every millisecond
# and prints the largest VmHWM, RssAnon, RssFile and RssShmem it saw (KiB).
cat >"$work/rss.c" <<'CEOF'
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char *argv[])
{
	long hwm = 0, anon = 0, file = 0, shmem = 0, v;
	char path[64], line[256];
	FILE *out, *f;
	pid_t pid;
	int st;

	if (argc < 3 || (out = fopen(argv[1], "w")) == NULL)
		return 99;
	if ((pid = fork()) == 0) {
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if ((f = fopen(path, "r")) != NULL) {
			while (fgets(line, sizeof(line), f) != NULL) {
				if (sscanf(line, "VmHWM: %ld", &v) == 1 && v > hwm)
					hwm = v;
				else if (sscanf(line, "RssAnon: %ld", &v) == 1 && v > anon)
					anon = v;
				else if (sscanf(line, "RssFile: %ld", &v) == 1 && v > file)
					file = v;
				else if (sscanf(line, "RssShmem: %ld", &v) == 1 && v > shmem)
					shmem = v;
			}
			fclose(f);
		}
		usleep(1000);
	}
	fprintf(out, "%ld %ld %ld %ld\n", hwm, anon, file, shmem);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
CEOF
cc -O2 -o "$work/rss" "$work/rss.c"

mkfifo "$work/fifo_in" "$work/fifo_out"

# run_io IN OUT CMD...: CMD with stdin IN (a file, or pipe:FILE for FILE
# through cat and a pipe) and stdout OUT (a file, or "pipe" for a pipe
# into cat >/dev/null).  Pipes are FIFOs, so that CMD is our child.
run_io() {
	local in=$1 out=$2
	shift 2
	if [ "${in#pipe:}" != "$in" ]; then
		cat "${in#pipe:}" >"$work/fifo_in" &
		in=$work/fifo_in
	fi
	if [ "$out" = pipe ]; then
		cat "$work/fifo_out" >/dev/null &
		out=$work/fifo_out
	fi
	"$@" <"$in" >"$out"
	wait
}

rss_rows=()
# rss LABEL KIND IN OUT CMD...: peak RSS of CMD (GNU time's %M) and the
# sampled breakdown; KIND posix or sysv; IN and OUT as for run_io.
rss() {
	local label=$1 kind=$2 in=$3 out=$4 m anon file shmem
	shift 4
	run_io "$in" "$out" /usr/bin/time -f %M -o "$work/time" "$@"
	m=$(tail -n 1 "$work/time")
	run_io "$in" "$out" "$work/rss" "$work/sample" "$@"
	read -r _ anon file shmem <"$work/sample"	# VmHWM: time's %M
	rss_rows+=("$label	$kind	$m	$anon	$file	$shmem")
}

if want 5-rss; then
echo
echo "== 5-rss: peak memory"
rss "shmcat /x | cat" posix /dev/null pipe shmcat /x
rss "shmcat /x > FILE" posix /dev/null "$OUTF" shmcat /x
rss "shmcat KEY | cat" sysv /dev/null pipe shmcat "$KEY"
rss "shmcat KEY > FILE" sysv /dev/null "$OUTF" shmcat "$KEY"
rss "shmput /e < FILE" posix "$IN" /dev/null shmput /e
rss "cat FILE | shmput /e" posix "pipe:$IN" /dev/null shmput /e
rss "shmput KEY < FILE" sysv "$IN" /dev/null shmput "$KEY"
rss "cat FILE | shmput KEY" sysv "pipe:$IN" /dev/null shmput "$KEY"
rm -f "$OUTF"
cmp /dev/shm/e "$IN" || die "shmput wrote the wrong bytes"
shmcat "$KEY" | cmp - "$IN" || die "shmput wrote the wrong bytes"
fi

# --- the table ----------------------------------------------------------------------

tab=$(printf '\t')
fmt_s() { awk -v s="$1" 'BEGIN { printf "%.3f s", s }'; }

# field RUN INDEX FIELD: a number from hyperfine's JSON (mean, stddev,
# user, system) of the INDEXth command of RUN.
field() {
	jq -r ".results[$2].$3" "$out/$1.json"
}

# row GOAL RUN I J MIN: shmtools = command I of RUN, baseline = command J;
# speedup = baseline mean / shmtools mean, pass when at least MIN.  "sd" is
# the speedup's standard deviation from the two σ; "median" the ratio of
# the medians, which one slow run does not move; "cpu" the ratio of user +
# system time, which a busy machine disturbs less.
rows=()
row() {
	local goal=$1 run=$2 i=$3 j=$4 min=$5 a sa ca ma b sb cb mb r
	[ -f "$out/$run.json" ] || return 0	# not selected (ONLY)
	a=$(field "$run" "$i" mean) sa=$(field "$run" "$i" stddev)
	b=$(field "$run" "$j" mean) sb=$(field "$run" "$j" stddev)
	ca=$(jq -r ".results[$i] | .user + .system" "$out/$run.json")
	cb=$(jq -r ".results[$j] | .user + .system" "$out/$run.json")
	ma=$(field "$run" "$i" median) mb=$(field "$run" "$j" median)
	r=$(awk -v a="$a" -v sa="$sa" -v b="$b" -v sb="$sb" -v ca="$ca" \
	    -v cb="$cb" -v ma="$ma" -v mb="$mb" -v m="$min" 'BEGIN {
		r = b / a; e = r * sqrt((sa / a) ^ 2 + (sb / b) ^ 2)
		ok = r >= m ? "pass" : "FAIL"
		if ((r >= m) != (r - e >= m) || (r >= m) != (r + e >= m))
			ok = ok " (within noise)"
		printf "%.2fx\t%.2f\t%.2fx\t%.2fx\t%s", r, e, mb / ma, cb / ca, ok }')
	rows+=("$goal	$(fmt_s "$a")	$(fmt_s "$b")	${r%%	*}	>= ${min}x	${r#*	}")
}
row "shmcat /x | cat  vs  cat /dev/shm/x | cat" 1-posix-pipe 0 1 2
row "shmcat /x > FILE  vs  cat /dev/shm/x > FILE" 2a-posix-file 0 1 1
row "shmcat /x > /dev/null  vs  cat" 2b-posix-null 0 1 1
row "shmcat KEY | cat  vs  cat /dev/shm/x | cat" 3-sysv-pipe 0 1 2
row "shmput /p < FILE (fresh)  vs  cat FILE > /dev/shm/p" 4a-put-file-fresh 0 1 1
row "shmput /e < FILE (existing)  vs  cat FILE > /dev/shm/y" 4b-put-file-existing 0 1 1.3
row "cat FILE | shmput /p (fresh)  vs  cat | cat > /dev/shm/p" 4c-put-pipe-fresh 0 1 1
row "cat FILE | shmput /e (existing)  vs  cat | cat > /dev/shm/y" 4d-put-pipe-existing 0 1 1.3
row "shmput KEY < FILE  vs  sysv-io put (MADV_POPULATE_WRITE)" 6a-sysv-put-file 0 1 1
row "shmcat KEY > FILE as nobody  vs  sysv-io get (MADV_POPULATE_READ)" 6b-sysv-get-file-user 0 1 1
row "1000 x shmcat /s (4 KiB)  vs  1000 x cat" 7-small-loop 0 1 1

gibps() { awk -v s="$1" -v b="$bytes" 'BEGIN { printf "%.2f GB/s", b / s / 1e9 }'; }

echo
echo "== results: $SIZE, means of $RUNS runs; speedup = baseline / shmtools"
echo
{
	printf 'comparison\tshmtools\tbaseline\tspeedup\tgoal\tsd\tmedian\tcpu\tresult\n'
	printf '%s\n' "${rows[@]}"
} | column -t -s "$tab"
if want 1 && want 2b && want 3; then
echo
echo "reference: dd if=/dev/shm/x of=/dev/null bs=1M: $(fmt_s "$(mean 2b-posix-null 2)")" \
    "($(gibps "$(mean 2b-posix-null 2)")); cat /dev/shm/x | cat:" \
    "$(gibps "$(mean 1-posix-pipe 1)"); shmcat /x | cat: $(gibps "$(mean 1-posix-pipe 0)");" \
    "shmcat KEY | cat: $(gibps "$(mean 3-sysv-pipe 0)")"
fi
if want 5-rss; then
echo
echo "peak memory, KiB (goal: under 8 MiB of the program's own; a System V"
echo "segment's mapped pages are RssShmem and do not count):"
echo
{
	printf 'command\tkind\tmaxrss (%%M)\tRssAnon\tRssFile\tRssShmem\town\tresult\n'
	for r in "${rss_rows[@]}"; do
		IFS=$tab read -r label kind m anon file shmem <<<"$r"
		# POSIX: nothing is mapped, all of it is the program's own.
		# System V: all but the segment's pages.
		if [ "$kind" = posix ]; then own=$m; else own=$(( anon + file )); fi
		ok=$([ "$own" -lt 8192 ] && echo pass || echo FAIL)
		printf '%s\t' "$label" "$kind" "$m" "$anon" "$file" "$shmem" "$own"
		printf '%s\n' "$ok"
	done
} | column -t -s "$tab"
fi
echo
echo "hyperfine exports: $out${BENCH_OUT:+ (kept)}"
