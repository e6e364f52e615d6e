#!/bin/bash
# bench/scale.sh - how each shmtools operation grows with its work, side by
# side with the tool users have, at several sizes; then draw the curves.
#
# Usage (as root):  bash bench/scale.sh [BINDIR]
#   BINDIR  where the built shmls and shmrm are (default: ../src relative
#           to this script)
#
# Environment (sizes are space-separated lists):
#   PARTS="sysv posix procs maps rss"       what to measure (bench/host.sh
#                                           is PARTS=procs)
#   SYSV_SIZES="1000 2000 4000 8000 16000"  System V segments
#   POSIX_SIZES="1000 10000 100000"         POSIX objects in /dev/shm
#   PROC_SIZES="0 1000 5000"                sleeping processes, each mapping
#                                           one object: the host dimension
#   HOST_SYSV=10000 HOST_POSIX=10000        the host's segments and objects
#   ORPHAN_SIZES="10000 100000"             POSIX objects shmrm --orphans removes
#   MAP_SIZES="1 1000 10000 100000"         mappings in one process
#   RSS_SIZES="100000 1000000"              empty POSIX objects, for peak RSS
#   RUNS=10 WARMUP=2     hyperfine's --runs and --warmup (non-destructive pairs)
#   RM_RUNS=7            runs of each removal (fresh segments before each)
#   RSS_RUNS=3           runs of each listing at RSS_SIZES
#   SLOW=15              a pair stops growing once a command takes SLOW s
#   SEGSIZE=4096         bytes per segment and object
#   TSV=bench/scale.tsv  the table written; PNG=bench/scale.png the picture
#                        against size, PROCS_PNG=bench/scale-procs.png the
#                        picture against processes
#   BENCH_OUT=DIR        keep hyperfine's JSON exports in DIR
#
# Everything happens inside a private IPC, mount and PID namespace with its
# own tmpfs on /dev/shm and its own /proc: the machine's segments are never
# seen or touched, and what the benchmark made goes with the namespace (a
# private tmpfs on /run/lock holds the tools' lock files too).  The
# one machine-wide change: vm.max_map_count (not per namespace) is raised
# for the largest MAP_SIZES while the run lasts, and restored at the end.
set -eu

die() { printf 'scale.sh: %s\n' "$*" >&2; exit 1; }

SYSV_SIZES=${SYSV_SIZES:-1000 2000 4000 8000 16000}
POSIX_SIZES=${POSIX_SIZES:-1000 10000 100000}
PROC_SIZES=${PROC_SIZES:-0 1000 5000}
MAP_SIZES=${MAP_SIZES:-1 1000 10000 100000}
RSS_SIZES=${RSS_SIZES:-100000 1000000}
ORPHAN_SIZES=${ORPHAN_SIZES:-10000 100000}
PARTS=${PARTS:-sysv posix procs maps rss}

# largest WORDS...: the largest number in a list.
largest() { printf '%s\n' "$@" | sort -n | tail -n 1; }
# part WORD: WORD is one of PARTS.
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ -z "${SCALE_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare, a tmpfs and sysctl)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	for p in shmls shmrm; do
		[ -x "$bindir/$p" ] || die "$bindir/$p is not built (make -j2)"
	done
	for t in unshare hyperfine ipcs ipcrm fuser xargs cc jq awk; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	/usr/bin/time -f %M true >/dev/null 2>&1 ||
	    die "GNU time is not installed as /usr/bin/time (Debian package 'time')"
	command -v gnuplot >/dev/null ||
	    echo "scale.sh: note: no gnuplot (Debian gnuplot-nox): no picture" >&2
	command -v lsof >/dev/null ||
	    echo "scale.sh: note: no lsof: the /proc scans are compared with fuser only" >&2
	TSV=${TSV:-$here/scale.tsv}
	PNG=${PNG:-$here/scale.png}
	PROCS_PNG=${PROCS_PNG:-$here/scale-procs.png}
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT"
		BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	fi
	# A process may hold vm.max_map_count mappings; the machine's
	# setting, raised for the run only.
	# shellcheck disable=SC2086 # lists of numbers
	need=$(( $(largest $MAP_SIZES) + 1000 ))
	old_maps=$(cat /proc/sys/vm/max_map_count)
	if part maps && [ "$old_maps" -lt "$need" ]; then
		echo "$need" > /proc/sys/vm/max_map_count
		trap 'echo "$old_maps" > /proc/sys/vm/max_map_count' EXIT
	fi
	export SCALE_BENCH_INNER=1 BENCH_OUT="${BENCH_OUT:-}" TSV PNG PROCS_PNG \
	    SYSV_SIZES POSIX_SIZES PROC_SIZES MAP_SIZES RSS_SIZES ORPHAN_SIZES PARTS
	unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir" "$here"
	exit
fi

# --- inside the namespace (we are PID 1) ------------------------------------

BINDIR=$1
HERE=$2
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
RM_RUNS=${RM_RUNS:-7}
RSS_RUNS=${RSS_RUNS:-3}
HOST_SYSV=${HOST_SYSV:-10000}
HOST_POSIX=${HOST_POSIX:-10000}
SLOW=${SLOW:-15}
SEGSIZE=${SEGSIZE:-4096}
KEYBASE=0x5c000000
export SEGSIZE LC_ALL=C
# The tools cannot see the processes of the parent PID namespace; this
# namespace is the whole world for the benchmark, so say so.
export SHMTOOLS_PIDNS_PRIVATE=1

work=$(mktemp -d /tmp/shm-scale.XXXXXX)
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
holders=()

cleanup() {
	set +e
	local h
	for h in "${holders[@]}"; do
		kill "$h" 2>/dev/null
		wait "$h" 2>/dev/null
	done
	rm -rf "$work"
	# The tmpfs, the segments and any straggler die with the namespace.
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mount --make-rprivate / 2>/dev/null || true
mount -t tmpfs -o mode=1777,size=2g,nr_inodes=500k shmscale /dev/shm
# System V operations of the tools take a per-key lock file in /run/lock
# (src/lib/lock.c), never unlinked: give them a private one, so that the
# tens of thousands of keys made here leave no file on the machine.
if [ -d /run/lock ]; then
	mount -t tmpfs -o mode=1777,size=64m,nr_inodes=500k shmlock /run/lock
fi
# This IPC namespace's own limits (the machine's are not touched).
# shellcheck disable=SC2086
maxsysv=$(largest $SYSV_SIZES $HOST_SYSV)
echo 32768 > /proc/sys/kernel/shmmni 2>/dev/null || true
shmmni=$(cat /proc/sys/kernel/shmmni)
[ "$maxsysv" -le "$shmmni" ] ||
    die "kernel.shmmni is $shmmni here: SYSV_SIZES must stay under it"
pages=$(( maxsysv * (SEGSIZE / 4096 + 1) ))
[ "$(cat /proc/sys/kernel/shmall)" -ge "$pages" ] 2>/dev/null ||
    echo "$pages" > /proc/sys/kernel/shmall

helper=$work/scale-helper
cc -O2 -Wall -o "$helper" "$HERE/scale-helper.c" ||
    die "cannot compile $HERE/scale-helper.c"

# Time copies, so that a rebuild in BINDIR during the run cannot get in the
# way; commands are named as a user types them, with the copies first.
mkdir "$work/bin"
cp "$BINDIR/shmls" "$BINDIR/shmrm" "$work/bin/"
export PATH="$work/bin:$PATH"
[ "$(command -v shmls)" = "$work/bin/shmls" ] || die "PATH does not find the copy of shmls"
shmls --version >/dev/null || die "$BINDIR/shmls does not run (mid-build?)"

# --- measuring --------------------------------------------------------------

# One pair at one size: the commands in CMDS, named in NAMES, each with a
# ROLE: "ours" (shmtools), "peer" (the tool users have; ratios are to it)
# or "other" (a second tool for reference).
CMDS=() NAMES=() ROLES=()
cmd() { ROLES+=("$1"); NAMES+=("$2"); CMDS+=("$3"); }

rows=() notes=()
declare -A stopped=()

# check CMD...: CMD must succeed before it is timed (hyperfine would abort).
check() {
	"$@" >/dev/null 2>"$work/err" ||
	    die "$* failed: $(head -n 3 "$work/err")"
}

# check_lsof: lsof +D exits 1 when some file in the directory is not open,
# as most objects are not; 1 is success here, which is why the scan pairs
# run with hyperfine -i and check shmtools' exit codes afterwards.
check_lsof() {
	local rc=0
	lsof +D /dev/shm >/dev/null 2>"$work/err" || rc=$?
	[ "$rc" -le 1 ] || die "lsof +D /dev/shm failed: $(head -n 3 "$work/err")"
}

# measure BENCH SIZE RSS [HYPERFINE-ARGS...]: time CMDS with hyperfine and
# add a row per command.  RSS "rss": also run each once under GNU time for
# its peak RSS (never for the removals: a run destroys the state).
measure() {
	local bench=$1 size=$2 rss=$3 i args=() json peer pcpu s c r cr m
	shift 3
	printf '\n=== %s, %s ===\n' "$bench" "$size"
	for i in "${!CMDS[@]}"; do
		args+=(-n "${NAMES[$i]}" "${CMDS[$i]}")
	done
	json=$out/$bench-$size.json
	hyperfine -N --style basic --export-json "$json" "$@" "${args[@]}"
	for i in "${!CMDS[@]}"; do
		[ "${ROLES[$i]}" != ours ] ||
		    [ "$(jq "[.results[$i].exit_codes[] | select(. != 0)] | length" "$json")" -eq 0 ] ||
		    die "${NAMES[$i]} failed while it was timed"
	done
	# Wall clock (the median run) is what a user waits for; CPU time
	# (user + system, mean) is what another busy process on the machine
	# disturbs least, so the ratio of both is kept.
	peer='' pcpu=''
	for i in "${!CMDS[@]}"; do
		if [ "${ROLES[$i]}" = peer ]; then
			peer=$(jq -r ".results[$i].median" "$json")
			pcpu=$(jq -r ".results[$i] | .user + .system" "$json")
			break
		fi
	done
	for i in "${!CMDS[@]}"; do
		s=$(jq -r ".results[$i].median" "$json")
		c=$(jq -r ".results[$i] | .user + .system" "$json")
		r=$(awk -v s="$s" -v p="${peer:-0}" 'BEGIN {
		    if (p > 0) printf "%.3f", s / p }')
		cr=$(awk -v s="$c" -v p="${pcpu:-0}" 'BEGIN {
		    if (p > 0) printf "%.3f", s / p }')
		m=
		if [ "$rss" = rss ]; then
			# shellcheck disable=SC2086 # the command's words
			/usr/bin/time -f %M -o "$work/rss" ${CMDS[$i]} \
			    >/dev/null 2>&1 || true
			m=$(tail -n 1 "$work/rss")
		fi
		c=$(awk -v c="$c" 'BEGIN { printf "%.6f", c }')
		rows+=("$bench	$size	${NAMES[$i]}	${ROLES[$i]}	$s	$r	$m	$c	$cr")
		if awk -v s="$s" -v l="$SLOW" 'BEGIN { exit !(s > l) }'; then
			stopped[$bench]=1
			notes+=("$bench: ${NAMES[$i]} took ${s}s at $size; larger sizes skipped")
		fi
	done
	CMDS=() NAMES=() ROLES=()
}

HF=(--warmup "$WARMUP" --runs "$RUNS")
HF_RM=(--warmup 1 --runs "$RM_RUNS")

# keyhex I: the key of the Ith segment.
keyhex() { printf '0x%08x' $(( KEYBASE + $1 )); }

# --- 1. naming one System V segment, among N ---------------------------------

# sysv_gone WHAT: every segment is gone, or WHAT did not remove them all.
sysv_gone() {
	[ "$(wc -l < /proc/sysvipc/shm)" -eq 1 ] ||
	    die "$1 left $(( $(wc -l < /proc/sysvipc/shm) - 1 )) segments"
}

fresh() { "$helper" sysv "$1" "$KEYBASE"; }

part sysv && for n in $SYSV_SIZES; do
	"$helper" sysv "$n" "$KEYBASE"
	key=$(keyhex $(( n - 1 )))		# the last one made
	id=$(awk -v k=$(( KEYBASE + n - 1 )) '$1 == k { print $2 }' /proc/sysvipc/shm)
	[ -n "$id" ] || die "segment $key was not made"
	[ "$(shmls -n -r -o ADDRESS "$key")" = "$key" ] || die "shmls $key does not find it"
	check ipcs -m -i "$id"
	cmd ours "shmls 0xKEY" "shmls $key"
	cmd peer "ipcs -m -i ID" "ipcs -m -i $id"
	measure sysv-name "$n" rss "${HF[@]}"
done

# --- 2. removing all N System V segments --------------------------------------

part sysv && for n in $SYSV_SIZES; do
	[ -z "${stopped[sysv-rmall]:-}" ] || break
	# Each removes them all, once, outside the timing: it works.
	fresh "$n"; check shmrm --all --sysv; sysv_gone "shmrm --all --sysv"
	fresh "$n"; check ipcrm --all=shm; sysv_gone "ipcrm --all=shm"
	cmd ours "shmrm --all --sysv" "shmrm --all --sysv"
	cmd peer "ipcrm --all=shm" "ipcrm --all=shm"
	measure sysv-rmall "$n" - "${HF_RM[@]}" --prepare "$helper sysv $n $KEYBASE"
done

part sysv && for n in $SYSV_SIZES; do
	[ -z "${stopped[sysv-xargs]:-}" ] || break
	# One key a line for shmrm; "-MKEY" for ipcrm, which takes one key
	# an option (one word, so that xargs never splits an option from its
	# key).  xargs packs as many as fit on each command line.
	for (( i = 0; i < n; i++ )); do keyhex "$i"; echo; done > "$work/keys"
	sed 's/^/-M/' "$work/keys" > "$work/ipcrm-keys"
	fresh "$n"; check xargs -a "$work/keys" shmrm; sysv_gone "xargs shmrm"
	fresh "$n"; check xargs -a "$work/ipcrm-keys" ipcrm; sysv_gone "xargs ipcrm -M"
	cmd ours "xargs shmrm" "xargs -a $work/keys shmrm"
	cmd peer "xargs ipcrm -M" "xargs -a $work/ipcrm-keys ipcrm"
	measure sysv-xargs "$n" - "${HF_RM[@]}" --prepare "$helper sysv $n $KEYBASE"
done
"$helper" sysv 0 "$KEYBASE"

# --- 3. listing N POSIX objects -------------------------------------------------

made=0
part posix && for n in $POSIX_SIZES; do
	[ -z "${stopped[posix-list]:-}" ] || break
	[ "$n" -ge "$made" ] || die "POSIX_SIZES must grow"
	"$helper" posix "$made" "$n"
	made=$n
	[ "$(shmls --posix -n -r -o ADDRESS | wc -l)" -eq "$n" ] ||
	    die "shmls --posix does not list $n objects"
	check ls -l /dev/shm
	cmd ours "shmls --posix" "shmls --posix"
	cmd peer "ls -l /dev/shm" "ls -l /dev/shm"
	measure posix-list "$n" rss "${HF[@]}"
done
find /dev/shm -mindepth 1 -delete

# --- 4. the /proc scan: N processes, then one process with N mappings -----------

scan="shmls --posix -o ADDRESS,NATTCH"

# hold N: N more processes that each map one of 64 objects and sleep.
hold() {
	local ready=$work/ready.$RANDOM
	"$helper" "$@" > "$ready" &
	holders+=("$!")
	until [ -s "$ready" ]; do
		kill -0 "$!" 2>/dev/null || die "scale-helper $* did not start"
		sleep 0.1
	done
}

# nattch PATTERN: the NATTCH shmls adds up over the objects matching PATTERN.
nattch() {
	shmls --posix -n -r -o ADDRESS,NATTCH |
	    awk -v p="$1" '$1 ~ p { n += $2 } END { print n + 0 }'
}

# host_pairs N: with N processes running, on a host of HOST_SYSV segments
# and HOST_POSIX objects, the questions users ask of it, each with the tool
# they would use instead.  Peers may exit 1 (fuser when no process uses
# the file, grep when no line matches): -i, and shmtools' exit codes are
# checked after the timing.
host_pairs() {
	local n=$1 key id obj k=$(( HOST_SYSV / 2 )) json s0 s1 sp c0 c1 cp
	"$helper" sysv "$HOST_SYSV" "$KEYBASE"
	"$helper" posix 0 "$HOST_POSIX"
	key=$(keyhex "$k")
	id=$(awk -v k=$(( KEYBASE + k )) '$1 == k { print $2 }' /proc/sysvipc/shm)
	[ -n "$id" ] || die "segment $key was not made"
	obj=$(printf '/o-%06d' $(( HOST_POSIX / 2 )))
	[ "$(shmls -n -r -o ADDRESS "$key")" = "$key" ] || die "shmls $key does not find it"
	[ "$(shmls -n -r -o ADDRESS "$obj")" = "$obj" ] || die "shmls $obj does not find it"
	[ "$(shmls --sysv -n -r -o ADDRESS | wc -l)" -eq "$HOST_SYSV" ] ||
	    die "shmls --sysv does not list $HOST_SYSV segments"
	[ "$(shmls --posix -n -r -o ADDRESS | grep -c '^/o-')" -eq "$HOST_POSIX" ] ||
	    die "shmls --posix does not list $HOST_POSIX objects"
	check ipcs -m -i "$id"
	check ipcs -m
	check ls -l /dev/shm

	cmd ours "shmls /x" "shmls $obj"
	cmd peer "fuser -v /dev/shm/x" "fuser -v /dev/shm$obj"
	measure host-name "$n" - "${HF[@]}" -i
	cmd ours "shmls 0xKEY" "shmls $key"
	cmd peer "ipcs -m -i ID" "ipcs -m -i $id"
	measure host-key "$n" - "${HF[@]}" -i
	cmd ours "shmls --sysv" "shmls --sysv"
	cmd peer "ipcs -m" "ipcs -m"
	measure host-sysv "$n" - "${HF[@]}" -i
	cmd ours "shmls --posix -o ADDRESS,SIZE,OWNER,PERMS,MTIME" \
	    "shmls --posix -o ADDRESS,SIZE,OWNER,PERMS,MTIME"
	cmd peer "ls -l /dev/shm" "ls -l /dev/shm"
	measure host-posix "$n" - "${HF[@]}" -i
	# The scan's own cost: the listing with PIDS less the same without.
	cmd ours "shmls --sysv -o ADDRESS,PIDS" "shmls --sysv -o ADDRESS,PIDS"
	cmd other "shmls --sysv -o ADDRESS" "shmls --sysv -o ADDRESS"
	cmd peer "grep -h SYSV /proc/[0-9]*/maps" \
	    "sh -c 'grep -h SYSV /proc/[0-9]*/maps'"
	measure host-scan "$n" - "${HF[@]}" -i
	json=$out/host-scan-$n.json
	s0=$(jq -r '.results[0].median' "$json") s1=$(jq -r '.results[1].median' "$json")
	sp=$(jq -r '.results[2].median' "$json")
	c0=$(jq -r '.results[0] | .user + .system' "$json")
	c1=$(jq -r '.results[1] | .user + .system' "$json")
	cp=$(jq -r '.results[2] | .user + .system' "$json")
	rows+=("$(awk -v n="$n" -v s0="$s0" -v s1="$s1" -v sp="$sp" \
	    -v c0="$c0" -v c1="$c1" -v cp="$cp" 'BEGIN {
		s = s0 - s1; c = c0 - c1
		printf "host-scan\t%s\tthe scan: PIDS less ADDRESS\tscan\t%s\t%.3f\t\t%.6f\t%.3f",
		    n, s, (sp > 0 ? s / sp : 0), c, (cp > 0 ? c / cp : 0) }')")

	"$helper" sysv 0 "$KEYBASE"
	find /dev/shm -mindepth 1 -name 'o-*' -delete
}

# orphans N: shmrm --orphans of M fresh POSIX objects (for each M of
# ORPHAN_SIZES) with N processes running, against find removing the same
# names.  The objects p-NN the processes map are in use: shmrm must keep
# them, and find is told to leave them all (-name 'o-*').
orphans() {
	local n=$1 m left
	for m in $ORPHAN_SIZES; do
		[ -z "${stopped[orphans-$m]:-}" ] || continue
		"$helper" posix 0 "$m"
		check shmrm --orphans
		left=$(find /dev/shm -mindepth 1 -name 'o-*' | wc -l)
		[ "$left" -eq 0 ] || die "shmrm --orphans left $left of $m objects"
		[ "$(nattch '^/p-')" -eq "$n" ] ||
		    die "shmrm --orphans removed objects in use"
		"$helper" posix 0 "$m"
		check find /dev/shm -mindepth 1 -name 'o-*' -delete
		cmd ours "shmrm --orphans" "shmrm --orphans"
		cmd peer "find /dev/shm -name o-* -delete" "find /dev/shm -mindepth 1 -name o-* -delete"
		measure "orphans-$m" "$n" - "${HF_RM[@]}" --prepare "$helper posix 0 $m"
		find /dev/shm -mindepth 1 -name 'o-*' -delete
	done
}

running=0
part procs && for n in $PROC_SIZES; do
	[ "$n" -ge "$running" ] || die "PROC_SIZES must grow"
	[ "$n" -eq "$running" ] || hold procs $(( n - running ))
	running=$n
	[ "$(nattch '^/p-')" -eq "$n" ] ||
	    die "shmls counts $(nattch '^/p-') processes mapping objects, wanted $n"
	if [ "$n" -gt 0 ] && [ -z "${stopped[proc-scan]:-}" ]; then
		check fuser -m /dev/shm
		cmd ours "$scan" "$scan"
		cmd peer "fuser -m /dev/shm" "fuser -m /dev/shm"
		if command -v lsof >/dev/null; then
			check_lsof
			cmd other "lsof +D /dev/shm" "lsof +D /dev/shm"
		fi
		measure proc-scan "$n" rss "${HF[@]}" -i
	fi
	host_pairs "$n"
	orphans "$n"
done
for h in "${holders[@]}"; do
	kill "$h"
	wait "$h" || true
done
holders=()
find /dev/shm -mindepth 1 -delete

part maps && for n in $MAP_SIZES; do
	[ -z "${stopped[map-scan]:-}" ] || break
	hold maps "$n"
	[ "$(wc -l < "/proc/${holders[0]}/maps")" -ge "$n" ] ||
	    die "the helper does not hold $n mappings"
	[ "$(nattch "^/m-$n\$")" -eq 1 ] || die "shmls does not see /m-$n mapped"
	check fuser -m /dev/shm
	cmd ours "$scan" "$scan"
	cmd peer "fuser -m /dev/shm" "fuser -m /dev/shm"
	if command -v lsof >/dev/null; then
		check_lsof
		cmd other "lsof +D /dev/shm" "lsof +D /dev/shm"
	fi
	measure map-scan "$n" rss "${HF[@]}" -i
	kill "${holders[0]}"
	wait "${holders[0]}" || true
	holders=()
	rm -f "/dev/shm/m-$n"
done

# --- 5. peak RSS of listing many empty POSIX objects ---------------------------

# Empty objects (SEGSIZE=0): a million of 4 KiB would hold 4 GiB.  Each size
# gets its own tmpfs over /dev/shm, with inodes enough, unmounted after.
part rss && for n in $RSS_SIZES; do
	[ -z "${stopped[posix-rss]:-}" ] || break
	mount -t tmpfs -o "mode=1777,size=64m,nr_inodes=$(( n + 10000 ))" \
	    shmrss /dev/shm
	SEGSIZE=0 "$helper" posix 0 "$n"
	[ "$(shmls --posix -n -r -o ADDRESS | wc -l)" -eq "$n" ] ||
	    die "shmls --posix does not list $n objects"
	check ls -l /dev/shm
	cmd ours "shmls --posix" "shmls --posix"
	cmd peer "ls -l /dev/shm" "ls -l /dev/shm"
	measure posix-rss "$n" rss --warmup 0 --runs "$RSS_RUNS"
	umount /dev/shm
done

# --- the table, the picture -----------------------------------------------------

# growth: the exponent k of time ~ size^k from the previous size of the
# same pair and tool: 1 linear, 2 quadratic, 0 constant (or startup-bound).
{
	tree=$(git -C "$BINDIR" describe --always --dirty 2>/dev/null || echo unknown)
	printf '# bench/scale.sh, %s, kernel %s, %s CPUs, load %s, %s/ (%s, tree %s)\n' \
	    "$(date -u +%Y-%m-%dT%H:%MZ)" "$(uname -r)" "$(nproc)" \
	    "$(cut -d ' ' -f 1-3 /proc/loadavg)" "$BINDIR" \
	    "$(shmls --version | head -n 1)" "$tree"
	printf '# seconds: the median run (wall clock); ratio = seconds / the peer'"'"'s seconds; rss_kib = peak RSS (GNU time %%M); cpu_seconds: mean user + system, cpu_ratio the same ratio; growth = log(t/t0)/log(n/n0) of seconds from the previous size; speedup = the peer'"'"'s seconds / seconds (above 1: faster than the peer); size is processes for host-* and orphans-* (ORPHAN_SIZES objects), role scan is ours less other\n'
	printf 'benchmark\tsize\ttool\trole\tseconds\tratio\trss_kib\tcpu_seconds\tcpu_ratio\tgrowth\tspeedup\n'
	printf '%s\n' "${rows[@]}" | awk -F '\t' -v OFS='\t' '{
		k = $1 SUBSEP $3; g = ""
		if (k in t && $5 > 0 && t[k] > 0 && $2 > 0 && n[k] > 0 && $2 != n[k])
			g = sprintf("%.2f", log($5 / t[k]) / log($2 / n[k]))
		t[k] = $5; n[k] = $2
		sp = $6 > 0 ? sprintf("%.3f", 1 / $6) : ""
		$5 = sprintf("%.6f", $5)
		print $0, g, sp
	}'
} > "$work/scale.tsv"
cp "$work/scale.tsv" "$TSV"

printf '\n=== speedup: the peer / shmtools (above 1: shmtools is faster) ===\n\n'
awk -F '\t' '!/^#/ && ($4 == "ours" || $4 == "scan") {
	printf "%-14s %7s  %-33s %8.4f s  speedup %6s  cpu %6.2f  growth %5s  rss %s KiB\n",
	    $1, $2, $3, $5, $11, ($9 > 0 ? 1 / $9 : 0), ($10 == "" ? "-" : $10),
	    ($7 == "" ? "-" : $7)
}' "$TSV"
for note in "${notes[@]}"; do
	printf 'note: %s\n' "$note"
done
printf '\ntable: %s\n' "$TSV"
if command -v gnuplot >/dev/null; then
	if grep -q '^sysv-name' "$TSV"; then
		gnuplot -e "tsv='$TSV'; out='$PNG'" "$HERE/plot.gp"
		printf 'picture: %s\n' "$PNG"
	fi
	if grep -q '^host-' "$TSV"; then
		gnuplot -e "tsv='$TSV'; out='$PROCS_PNG'" "$HERE/plot-procs.gp"
		printf 'picture: %s\n' "$PROCS_PNG"
	fi
fi
if [ -n "$BENCH_OUT" ]; then
	printf 'hyperfine exports: %s\n' "$out"
fi
