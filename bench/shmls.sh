#!/bin/bash
# bench/shmls.sh - time shmls against ipcs, lsipc and ls on a crowded machine.
#
# Usage (as root):  bash bench/shmls.sh [BINDIR]
#   BINDIR  where the built shmls is (default: ../src relative to this script)
#
# Environment:
#   NSEG=10000      System V segments and POSIX objects to create (each)
#   NPROC=200       processes that map an object and attach a segment, for (d)
#   SEGSIZE=4096    bytes per segment and object
#   RUNS=20 WARMUP=3  hyperfine's --runs and --warmup
#   BENCH_OUT=DIR   keep hyperfine's markdown and JSON exports in DIR
#                   (default: a temporary directory, removed at the end)
#
# Everything happens inside a private IPC, mount and PID namespace with its
# own tmpfs on /dev/shm and its own /proc: the machine's segments are never
# seen or touched, and all that the benchmark made goes with the namespace.
set -eu

die() { printf 'shmls.sh: %s\n' "$*" >&2; exit 1; }

if [ -z "${SHMLS_BENCH_INNER:-}" ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (it needs unshare, a tmpfs and sysctl)"
	here=$(cd "$(dirname "$0")" && pwd)
	bindir=$(cd "${1:-$here/../src}" && pwd) || die "no BINDIR ${1:-$here/../src}"
	[ -x "$bindir/shmls" ] || die "$bindir/shmls is not built (make -j2)"
	for t in unshare hyperfine ipcs lsipc cc jq; do
		command -v "$t" >/dev/null || die "$t is not installed"
	done
	if [ -n "${BENCH_OUT:-}" ]; then
		mkdir -p "$BENCH_OUT"
		BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
	fi
	export SHMLS_BENCH_INNER=1 BENCH_OUT="${BENCH_OUT:-}"
	exec unshare --ipc --mount --pid --fork --mount-proc \
	    bash "$here/$(basename "$0")" "$bindir"
fi

# --- inside the namespace (we are PID 1) ------------------------------------

BINDIR=$1
NSEG=${NSEG:-10000}
NPROC=${NPROC:-200}
SEGSIZE=${SEGSIZE:-4096}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
KEYBASE=0x5b000000

work=$(mktemp -d /tmp/shmls-bench.XXXXXX)
out=${BENCH_OUT:-$work/out}
mkdir -p "$out"
holder=

cleanup() {
	set +e
	if [ -n "$holder" ]; then
		kill "$holder" 2>/dev/null
		wait "$holder" 2>/dev/null
	fi
	rm -rf "$work"
	# The tmpfs, the segments and any straggler die with the namespace.
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# A private tmpfs on /dev/shm (this mount namespace's only), room for all.
mount -t tmpfs -o "mode=1777,size=$(( NSEG * SEGSIZE * 2 / 1048576 + 64 ))m" \
    shmbench /dev/shm
# This IPC namespace's own limits: room for NSEG segments and more.
echo $(( NSEG * 2 > 32768 ? NSEG * 2 : 32768 )) > /proc/sys/kernel/shmmni

# The helper: creates segments fast, and holds them from many processes.
cat > "$work/helper.c" <<'CEOF'
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/shm.h>

static void die(const char *what) { perror(what); exit(1); }

int main(int argc, char **argv)
{
	long i, n = atol(argv[2]), size = atol(argv[3]);
	key_t keybase = (key_t)strtol(argv[4], NULL, 0);
	char name[64], *buf;

	if (strcmp(argv[1], "create") == 0) {
		if ((buf = calloc(1, (size_t)size)) == NULL)
			die("calloc");
		memset(buf, 'x', (size_t)size);
		for (i = 0; i < n; i++) {
			int fd;

			if (shmget(keybase + (key_t)i, (size_t)size,
			    IPC_CREAT | IPC_EXCL | 0600) == -1)
				die("shmget");
			snprintf(name, sizeof(name), "/dev/shm/bench-%05ld", i);
			fd = open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
			if (fd == -1 || write(fd, buf, (size_t)size) != size)
				die(name);
			close(fd);
		}
		return 0;
	}
	/* hold: n children, each mapping object i and attached to segment i */
	int pfd[2];
	if (pipe(pfd) == -1)
		die("pipe");
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == -1)
			die("fork");
		if (pid > 0)
			continue;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(pfd[0]);
		snprintf(name, sizeof(name), "/bench-%05ld", i);
		int fd = shm_open(name, O_RDWR, 0);
		if (fd == -1)
			die(name);
		volatile char *p = mmap(NULL, (size_t)size,
		    PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			die("mmap");
		close(fd);	/* as most programs do: the mapping stays */
		p[0] = 'y';
		int id = shmget(keybase + (key_t)i, 0, 0);
		if (id == -1 || shmat(id, NULL, 0) == (void *)-1)
			die("shmat");
		if (write(pfd[1], "", 1) != 1)
			die("write");
		close(pfd[1]);
		for (;;)
			pause();
	}
	close(pfd[1]);
	char c;
	for (i = 0; i < n; i++)
		if (read(pfd[0], &c, 1) != 1)
			die("a holder failed");
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
CEOF
cc -O2 -o "$work/helper" "$work/helper.c" -lrt

printf 'creating %d System V segments and %d POSIX objects of %d bytes...\n' \
    "$NSEG" "$NSEG" "$SEGSIZE"
"$work/helper" create "$NSEG" "$SEGSIZE" "$KEYBASE"
nsysv=$(( $(wc -l < /proc/sysvipc/shm) - 1 ))
nposix=$(find /dev/shm -maxdepth 1 -type f | wc -l)
[ "$nsysv" -eq "$NSEG" ] && [ "$nposix" -eq "$NSEG" ] ||
    die "made $nsysv segments and $nposix objects, wanted $NSEG each"

# Time a copy, so that a rebuild in BINDIR during the run cannot get in the
# way; name commands as a user types them, with the copy first in PATH.
mkdir "$work/bin"
cp "$BINDIR/shmls" "$work/bin/shmls"
"$work/bin/shmls" --version >/dev/null || die "$BINDIR/shmls does not run (mid-build?)"
export PATH="$work/bin:$PATH"
SHMLS=shmls
[ "$(command -v shmls)" = "$work/bin/shmls" ] || die "PATH does not find the copy of shmls"
# A sanity check: shmls sees what the baselines see.
[ "$("$SHMLS" --sysv -n | wc -l)" -eq "$NSEG" ] || die "shmls --sysv miscounts"
[ "$("$SHMLS" --posix -n | wc -l)" -eq "$NSEG" ] || die "shmls --posix miscounts"

HF=(hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --style basic)

# bench NAME CMD...: one hyperfine run; every command named by itself.
bench() {
	local name=$1 c args=()
	shift
	for c in "$@"; do
		args+=(-n "$c" "$c")
	done
	printf '\n=== %s ===\n' "$name"
	"${HF[@]}" --export-json "$out/$name.json" \
	    --export-markdown "$out/$name.md" "${args[@]}"
}

# mean NAME CMD [FIELD]: CMD's mean in NAME's run, in seconds: wall clock, or
# FIELD cpu for user + system, or min for the fastest run.
mean() {
	jq -r --arg c "$2" --arg f "${3:-wall}" '.results[] | select(.command == $c) |
	    if $f == "cpu" then .user + .system elif $f == "min" then .min
	    else .mean end' "$out/$1.json"
}

rows=()
# row NAME SHMTOOLS-CMD BASELINE-CMD: a line of the final table.
row() {
	rows+=("$(awk -v n="$1" -v c="$2" -v d="$3" \
	    -v a="$(mean "$1" "$2")" -v b="$(mean "$1" "$3")" \
	    -v ca="$(mean "$1" "$2" cpu)" -v cb="$(mean "$1" "$3" cpu)" 'BEGIN {
	    printf "%-8s %-31s %9.2f ms  %-34s %9.2f ms  %6.2f  %6.2f\n",
	        n, c, a * 1000, d, b * 1000, a / b, ca / cb }')")
}

S=$SHMLS
# (a) System V
lsipc_posix=
if lsipc --help 2>/dev/null | grep -q -- '--posix-shmems'; then
	lsipc_posix="lsipc --posix-shmems"
fi
bench a-sysv "$S --sysv" "ipcs -m" "lsipc --shmems"
row a-sysv "$S --sysv" "ipcs -m"
row a-sysv "$S --sysv" "lsipc --shmems"

# (b) POSIX
if [ -n "$lsipc_posix" ]; then
	bench b-posix "$S --posix" "ls -l /dev/shm" "$lsipc_posix"
else
	bench b-posix "$S --posix" "ls -l /dev/shm"
fi
row b-posix "$S --posix" "ls -l /dev/shm"
[ -z "$lsipc_posix" ] || row b-posix "$S --posix" "$lsipc_posix"

# (c) everything
both="sh -c 'ipcs -m; ls -l /dev/shm'"
bench c-all "$S" "$both"
row c-all "$S" "$both"

# (d) with NPROC processes mapping objects and attached to segments
coproc HOLD { exec "$work/helper" hold "$NPROC" "$SEGSIZE" "$KEYBASE"; }
holder=$HOLD_PID
read -r ready <&"${HOLD[0]}" || die "the holders did not start"
[ "$ready" = ready ] || die "the holders did not start"
nusers=$("$SHMLS" --posix -o NATTCH -n -r | awk '$1 > 0' | wc -l)
[ "$nusers" -eq "$NPROC" ] || die "shmls sees $nusers objects in use, wanted $NPROC"
both_p="sh -c 'ipcs -m -p; ls -l /dev/shm'"
bench d-procs "$S -o ADDRESS,PIDS" "$S --posix" \
    "$S --posix -o ADDRESS,NATTCH" "$S --posix -o ADDRESS" \
    "ls -l /dev/shm" "ipcs -m -p" "$both_p"
row d-procs "$S -o ADDRESS,PIDS" "$both_p"
row d-procs "$S --posix" "ls -l /dev/shm"
row d-procs "$S --posix -o ADDRESS,NATTCH" "ls -l /dev/shm"
row d-procs "$S --posix -o ADDRESS" "ls -l /dev/shm"
# Fastest runs: a difference of means is mostly noise on a busy machine.
scan=$(awk -v a="$(mean d-procs "$S --posix -o ADDRESS,NATTCH" min)" \
    -v b="$(mean d-procs "$S --posix -o ADDRESS" min)" \
    'BEGIN { printf "%.2f", (a - b) * 1000 }')

printf '\n%d System V segments, %d POSIX objects; (d) with %d processes each mapping one\n' \
    "$NSEG" "$NSEG" "$NPROC"
printf 'object and attached to one segment. shmls is %s/shmls.\n' "$BINDIR"
printf 'Means of %d runs (after %d warmups), wall clock. ratio = shmtools / baseline,\n' \
    "$RUNS" "$WARMUP"
printf '< 1 is faster; cpu = the same ratio of user + system time (steadier on a busy machine).\n\n'
printf '%-8s %-31s %12s  %-34s %12s  %6s  %6s\n' test shmtools mean baseline mean ratio cpu
printf '%s\n' "${rows[@]}"
printf '\nthe /proc scan alone, %d processes: %s ms (fastest shmls --posix -o ADDRESS,NATTCH\nminus fastest -o ADDRESS)\n' \
    "$NPROC" "$scan"
if [ -n "$BENCH_OUT" ]; then
	printf 'hyperfine exports (markdown, JSON): %s\n' "$out"
fi
