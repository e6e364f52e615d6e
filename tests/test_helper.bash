# test_helper.bash - loaded by every tests/NN-area.bats with "load test_helper".
#
# Puts the build's programs and test clients first on PATH, loads
# bats-support and bats-assert, and gives each test unique names, a way
# to start real clients, and a cleanup that removes what the test made.
#
# Under tests/run-bats with SHMT_HERMETIC=1 the test runs in a private IPC
# namespace with its own tmpfs on /dev/shm, and cleanup simply empties
# both.  With SHMT_HERMETIC=0 it removes only what it tracked: names from
# new_name, keys from new_key, and addresses given to track.

bats_require_minimum_version 1.5.0

bats_load_library bats-support
bats_load_library bats-assert

: "${SHMT_BUILDDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${SHMT_SRCDIR:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${SHMT_HERMETIC:=0}"
export SHMT_BUILDDIR SHMT_SRCDIR SHMT_HERMETIC

# SHMT_INSTALLED=1: the programs under test are the installed ones, found
# on PATH (the Debian package's autopkgtest, .ci/run); only the test
# clients come from the build.  SHMT_BINDIR is where the programs are.
if [[ ${SHMT_INSTALLED:-} == 1 ]]; then
	PATH="$SHMT_BUILDDIR/tests/clients:$PATH"
	SHMT_BINDIR=$(dirname "$(command -v shmls)")
else
	PATH="$SHMT_BUILDDIR/src:$SHMT_BUILDDIR/tests/clients:$PATH"
	SHMT_BINDIR=$SHMT_BUILDDIR/src
fi
export PATH SHMT_BINDIR

# Messages and formats must not depend on the caller's locale.
export LC_ALL=C
unset POSIXLY_CORRECT

# The list of what this test created, for cleanup in non-hermetic mode.
_shmt_tracked() {
	echo "$BATS_TEST_TMPDIR/.shmt-segments"
}

# track ADDRESS...: remember segments to remove in cleanup_segments.
track() {
	local a
	for a in "$@"; do
		printf '%s\n' "$a" >>"$(_shmt_tracked)"
	done
}

# new_name: a POSIX ADDRESS no one else uses, e.g. /shmt-1234-5678901234.
new_name() {
	local name
	while :; do
		name="/shmt-$$-${BATS_TEST_NUMBER:-0}-$RANDOM$RANDOM"
		[[ -e /dev/shm$name ]] || break
	done
	track "$name"
	printf '%s\n' "$name"
}

# new_key: a System V key, 0x5e followed by six random hex digits, that no
# existing segment has; printed as 0x%08x, as shmls prints keys.
new_key() {
	local key
	while :; do
		key=$(printf '0x5e%06x' $(( ((RANDOM << 15) | RANDOM) & 0xffffff )))
		segment_exists "$key" || break
	done
	track "$key"
	printf '%s\n' "$key"
}

# _in_private_namespace: both the IPC namespace and /dev/shm are the ones
# run-bats made; never wipe the machine's real segments by mistake.
_in_private_namespace() {
	[[ $SHMT_HERMETIC == 1 ]] || return 1
	[[ -n ${SHMT_HOST_IPCNS:-} ]] || return 1
	[[ $(readlink /proc/self/ns/ipc) != "$SHMT_HOST_IPCNS" ]] || return 1
	[[ $(awk '$2 == "/dev/shm" { s = $1 } END { print s }' \
	    /proc/self/mounts) == shmtools-test ]]
}

# _remove_address ADDRESS: remove one segment without the tools under test.
_remove_address() {
	local a=$1 id
	case $a in
	0x* | 0X*)
		ipcrm -M "$a" 2>/dev/null ;;
	key:*)
		ipcrm -M "$(printf '0x%08x' $(( ${a#key:} )))" 2>/dev/null ;;
	id:*)
		ipcrm -m "${a#id:}" 2>/dev/null ;;
	posix:/*)
		rm -f -- "/dev/shm/${a#posix:/}" ;;
	posix:*)
		rm -f -- "/dev/shm/${a#posix:}" ;;
	/*)
		rm -f -- "/dev/shm/${a#/}" ;;
	file:*)
		rm -f -- "${a#file:}" ;;
	*[!0-9]* | '')
		;;
	*)
		id=$a
		ipcrm -m "$id" 2>/dev/null ;;
	esac
	return 0
}

# cleanup_segments: remove every segment this test created.  Call it from
# teardown, after stop_clients.
cleanup_segments() {
	local a
	if _in_private_namespace; then
		ipcrm --all=shm 2>/dev/null
		find /dev/shm -mindepth 1 -delete 2>/dev/null
		return 0
	fi
	[[ -f $(_shmt_tracked) ]] || return 0
	while IFS= read -r a; do
		_remove_address "$a"
	done <"$(_shmt_tracked)"
	rm -f -- "$(_shmt_tracked)"
}

# wait_until SECONDS CMD...: run CMD every 20 ms until it succeeds; give
# up (status 1, and a word on stderr) after SECONDS.
wait_until() {
	local tries=$(( $1 * 50 ))
	shift
	until "$@"; do
		if (( tries-- <= 0 )); then
			echo "wait_until: '$*' never held" >&2
			return 1
		fi
		sleep 0.02
	done
}

# wait_for FILE [SECONDS]: wait until FILE exists (a client's readiness
# signal), at most SECONDS (default 5).
wait_for() {
	wait_until "${2:-5}" test -e "$1"
}

# start_client VAR PROGRAM ARGS...: run a client in the background and set
# VAR to its pid; stop_clients kills them all.  The client must write its
# READYFILE before the caller relies on it (wait_for).
start_client() {
	local var=$1
	shift
	"$@" 3>&- &
	# Not "local pid": it would shadow a caller's VAR named pid.
	local _shmt_pid=$!
	printf '%s\n' "$_shmt_pid" >>"$BATS_TEST_TMPDIR/.shmt-clients"
	printf -v "$var" '%s' "$_shmt_pid"
}

# stop_clients: SIGTERM every client this test started and reap it.
stop_clients() {
	local pid
	[[ -f $BATS_TEST_TMPDIR/.shmt-clients ]] || return 0
	while IFS= read -r pid; do
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done <"$BATS_TEST_TMPDIR/.shmt-clients"
	rm -f -- "$BATS_TEST_TMPDIR/.shmt-clients"
	return 0
}

# bg CMD...: run CMD (a hostile holder, a racing process) in the
# background; BG_PID is its pid, and stop_bg kills what is left.
bg() {
	"$@" 3>&- &
	BG_PID=$!
	BG_PIDS="${BG_PIDS:-} $BG_PID"
}

# stop_bg: kill and reap what bg started (teardown).
stop_bg() {
	local pid
	for pid in ${BG_PIDS:-}; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	BG_PIDS=
}

# signal_echo PID ECHOFILE: ask a client for the contents it sees (SIGUSR1)
# and wait for its answer in ECHOFILE.
signal_echo() {
	local pid=$1 echofile=$2
	rm -f -- "$echofile"
	kill -USR1 "$pid"
	wait_for "$echofile"
}

# --- assertions and readers shared by the test files -------------------------

# assert_stderr_has TEXT: the last run --separate-stderr printed TEXT on stderr.
assert_stderr_has() {
	[[ $stderr == *"$1"* ]] ||
	    fail "stderr does not contain '$1'"$'\n'"stderr: $stderr"
}

# refute_listed [--partial | --regexp] LINE: no line of $output is LINE
# (holds it, matches it).  bats-assert's refute_line fails on an empty
# $output, which is what a filter that selects nothing prints.
refute_listed() {
	local how=-xF
	case $1 in
	--partial) how=-F; shift ;;
	--regexp) how=-E; shift ;;
	esac
	if grep -q "$how" -- "$1" <<<"$output"; then
		fail "output has a line like '$1':"$'\n'"$output"
	fi
	return 0
}

# skip_unless_hermetic WHY: skip unless in the private namespaces of run-bats.
skip_unless_hermetic() {
	_in_private_namespace ||
	    skip "needs the private namespaces of tests/run-bats ($1)"
}

# require_hermetic WHY: skip unless SHMT_HERMETIC=1, for a test file
# whose tests act on every segment there is (bulk removals, planted
# files); SHMT_HERMETIC=1 outside run-bats's namespaces is an error.
require_hermetic() {
	[[ $SHMT_HERMETIC == 1 ]] ||
	    skip "needs the private namespaces of tests/run-bats${1:+ ($1)}"
	_in_private_namespace ||
	    fail "SHMT_HERMETIC=1 but not in run-bats's private namespaces"
}

# need_full_scan: skip unless the /proc scan of who maps a POSIX object
# or holds a memfd sees every process: in run-bats's PID namespace, all
# of them are ours.
need_full_scan() {
	skip_unless_hermetic "a /proc scan that sees every process"
}

# need_tool COMMAND PACKAGE: skip without COMMAND, or fail under .ci/run
# (SHMT_CI=1), whose deps list installs PACKAGE: CI must run the test.
need_tool() {
	command -v "$1" >/dev/null && return 0
	[[ ${SHMT_CI:-} != 1 ]] ||
	    fail "$1 not found, but .ci/run installs $2: CI must run this test"
	skip "$1 not found (Debian package $2)"
}

# need_root: skip unless root.
need_root() {
	[[ $(id -u) -eq 0 ]] || skip "needs root"
}

# need_sysv_writer: skip unless the System V test client is built.
need_sysv_writer() {
	command -v sysv_writer >/dev/null ||
	    skip "tests/clients/sysv_writer is not built (make tests/clients/sysv_writer)"
}

# sysv_field KEY|id:N FIELD: a field of /proc/sysvipc/shm for the segment
# (FIELD: key shmid perms size cpid lpid nattch uid gid), read without
# the tools under test; nothing if there is no such segment.  The key is
# printed as /proc prints it, a signed decimal int.
sysv_field() {
	local sel=$1 field=$2 col
	case $field in
	key) col=1 ;; shmid) col=2 ;; perms) col=3 ;; size) col=4 ;;
	cpid) col=5 ;; lpid) col=6 ;; nattch) col=7 ;; uid) col=8 ;;
	gid) col=9 ;;
	*) fail "sysv_field: unknown field $field" ;;
	esac
	if [[ $sel == id:* ]]; then
		awk -v id="${sel#id:}" -v c="$col" \
		    'NR > 1 && $2 == id { print $c }' /proc/sysvipc/shm
	else
		# /proc prints the key as a signed int: 0xc8000001 is negative.
		awk -v k="$(( sel & 0xffffffff ))" -v c="$col" \
		    'NR > 1 && ($1 == k || $1 + 4294967296 == k) { print $c }' \
		    /proc/sysvipc/shm
	fi
}

# sysv_id KEY: the shmid of the live segment with KEY, from /proc; or nothing.
sysv_id() {
	sysv_field "$1" shmid
}

# sysv_count: how many System V segments there are, per /proc.
sysv_count() {
	awk 'NR > 1' /proc/sysvipc/shm | wc -l
}

# devshm_count: how many entries /dev/shm holds, of any type, at any depth.
devshm_count() {
	find /dev/shm -mindepth 1 | wc -l
}

# --- is a segment there? --------------------------------------------------------
#
# Checked without the tools under test: System V in /proc/sysvipc/shm,
# with ipcs -m as a second witness in the assertions; POSIX objects and
# files in the file system.  ADDRESS is 0xKEY, id:N, /NAME or file:PATH.

# segment_exists ADDRESS: is there a segment at ADDRESS, per /proc or the
# file system?  For a name or a path any entry counts, a dangling symbolic
# link too.  (A System V key that IPC_RMID freed has no segment: /proc
# shows such a segment, still attached, with key 0.)
segment_exists() {
	case $1 in
	0x* | 0X* | id:*) [[ -n $(sysv_field "$1" shmid) ]] ;;
	/*) [[ -e /dev/shm$1 || -L /dev/shm$1 ]] ;;
	file:*) [[ -e ${1#file:} || -L ${1#file:} ]] ;;
	*) echo "segment_exists: $1 is not 0xKEY, id:N, /NAME or file:PATH" >&2
	   return 2 ;;
	esac
}

# _ipcs_lists KEY|id:N: does ipcs -m list the System V segment?
_ipcs_lists() {
	case $1 in
	id:*) ipcs -m | awk -v id="${1#id:}" \
	    '$2 == id { f = 1 } END { exit !f }' ;;
	*) ipcs -m | awk -v k="$1" \
	    'tolower($1) == tolower(k) { f = 1 } END { exit !f }' ;;
	esac
}

# assert_gone ADDRESS...: none of the segments exists: not in /proc, not
# listed by ipcs, no entry of any type in the file system.
assert_gone() {
	local a
	for a in "$@"; do
		case $a in
		0x* | 0X* | id:*)
			! segment_exists "$a" || fail "$a still exists"
			! _ipcs_lists "$a" || fail "ipcs still lists $a" ;;
		/* | file:*)
			! segment_exists "$a" || fail "$a still exists" ;;
		*)	fail "assert_gone: $a is not 0xKEY, id:N, /NAME or file:PATH" ;;
		esac
	done
}

# assert_kept ADDRESS...: every segment exists: in /proc and listed by
# ipcs (System V), as a regular file (POSIX objects and files).
assert_kept() {
	local a
	for a in "$@"; do
		case $a in
		0x* | 0X* | id:*)
			segment_exists "$a" || fail "$a was removed"
			_ipcs_lists "$a" || fail "ipcs does not list $a" ;;
		/*)	[[ -f /dev/shm$a ]] || fail "/dev/shm$a was removed" ;;
		file:*)	[[ -f ${a#file:} ]] || fail "$a was removed" ;;
		*)	fail "assert_kept: $a is not 0xKEY, id:N, /NAME or file:PATH" ;;
		esac
	done
}

# --- what must not change ----------------------------------------------------------

# snapshot_segments: every System V segment and every entry of /dev/shm,
# as ipcs and ls see them (sizes, modes, owners, times).  Take one before
# and one after: equal, nothing changed.
snapshot_segments() {
	ipcs -m
	ls -la --time-style=full-iso /dev/shm
}

# fingerprint FILE: what must not change about FILE: its type, size,
# mode, owner, inode, link count, modification and change times, and a
# checksum of its content.
fingerprint() {
	stat -c '%F %s %a %u:%g %i %h %y %z' -- "$1"
	sha256sum <"$1"
}

# backing_file ADDRESS: the file behind a POSIX or file: address, for
# checks without the tools; nothing for System V.
backing_file() {
	case $1 in
	file:*) printf '%s\n' "${1#file:}" ;;
	/*) printf '/dev/shm%s\n' "$1" ;;
	esac
}

# expect_bytes ADDRESS FILE: the segment holds exactly the bytes of FILE,
# as shmcat sees it and, for POSIX and files, as the file system does.
expect_bytes() {
	local p expected=$BATS_TEST_TMPDIR/.expected
	cat "$2" >"$expected"	# FILE may be a <(...) that reads once
	shmcat "$1" >"$BATS_TEST_TMPDIR/.actual"
	cmp "$expected" "$BATS_TEST_TMPDIR/.actual"
	p=$(backing_file "$1")
	if [[ -n $p ]]; then
		cmp "$expected" "$p"
	fi
}

# restore_sysctls: put back each kernel.shm{max,all,mni} whose old value a
# test saved in $BATS_TEST_TMPDIR/NAME (they are per IPC namespace; teardown).
restore_sysctls() {
	local f
	for f in shmmax shmall shmmni; do
		if [[ -f $BATS_TEST_TMPDIR/$f ]]; then
			sysctl -q -w "kernel.$f=$(cat "$BATS_TEST_TMPDIR/$f")"
		fi
	done
}

# make_key_and_name [SIZE]: a System V segment $key and a POSIX object
# $name, new, both of SIZE (default 1K).
make_key_and_name() {
	key=$(new_key)
	name=$(new_name)
	shmmk -s "${1:-1K}" "$key"
	shmmk -s "${1:-1K}" "$name"
}

# --- real clients (tests/clients) ---------------------------------------------

# Each start_* runs a client with its own READYFILE and ECHOFILE in
# $BATS_TEST_TMPDIR, waits until it is ready, and sets PID and ECHO (and,
# for the memfd holder, FD and ADDR).  Several may run in one test; PID
# and ECHO are the last one's.
_next_client() {
	NCLIENTS=$(( ${NCLIENTS:-0} + 1 ))
	READY=$BATS_TEST_TMPDIR/client$NCLIENTS.ready
	ECHO=$BATS_TEST_TMPDIR/client$NCLIENTS.echo
}

# start_zombie: a client whose child exits at once and stays a zombie: the
# client waits for the exit without reaping it (WNOWAIT), says the
# child's PID, and never reaps it.  ZOMBIE is the child.  (sh -c 'sleep 0
# & exec sleep' raced: dash may reap its child before the exec.)
start_zombie() {
	_next_client
	start_client ZOMBIE_PARENT python3 -c '
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
pid = os.fork()
if pid == 0:
    os._exit(0)
os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % pid)
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(1000)' "$READY"
	wait_for "$READY"
	ZOMBIE=$(cat "$READY")
	[[ $(awk '{ print $3 }' "/proc/$ZOMBIE/stat") == Z ]] ||
	    fail "$ZOMBIE is no zombie"
}

# start_sysv KEY TEXT [SIZE]: a sysv_writer attached to KEY.
start_sysv() {
	_next_client
	start_client PID sysv_writer "${1#0x}" "${3:-4096}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
}

# start_posix /NAME TEXT [SIZE]: a posix_writer that maps /NAME.
start_posix() {
	_next_client
	start_client PID posix_writer "$1" "${3:-8192}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
}

# start_file PATH TEXT [SIZE]: a file_writer that maps PATH.
start_file() {
	_next_client
	start_client PID file_writer "$1" "${3:-100}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
}

# start_memfd NAME TEXT [SIZE]: a memfd_holder; ADDR is memfd:PID:FD.
start_memfd() {
	local pid
	_next_client
	start_client PID memfd_holder "$1" "${3:-4096}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid FD <"$READY"
	[[ $pid == "$PID" ]] || fail "memfd_holder $PID says it is $pid"
	ADDR=memfd:$pid:$FD
}

# start_creator KEY: a process that creates System V segment KEY and
# stays, never attaching it: NATTCH 0, but its creator (PID) runs.  Like
# the clients, it exits 0 on SIGTERM, for stop_clients.
start_creator() {
	command -v perl >/dev/null || skip "needs perl to create a segment and stay"
	_next_client
	start_client PID perl -e '
	    $SIG{TERM} = sub { exit(0) };
	    defined(shmget(hex($ARGV[0]), 4096, 01600)) or die "shmget: $!\n";
	    open(my $f, ">", $ARGV[1]) or die "$ARGV[1]: $!\n"; close($f);
	    sleep(1000);' "$1" "$READY"
	wait_for "$READY"
}

# client_sees: the content the client $PID sees now, into $output.
client_sees() {
	signal_echo "$PID" "$ECHO"
	output=$(cat "$ECHO")
}

# start_holder VAR FILE: a process (sleep) that holds FILE open on
# descriptor 5 and maps nothing; VAR is its pid.
start_holder() {
	local _var=$1 file=$2 _holder
	start_client _holder sleep 1000 5<"$file"
	# Until it has exec'd, it is a copy of this shell under another name.
	wait_until 5 _runs "$_holder" sleep || fail "sleep $_holder did not start"
	printf -v "$_var" '%s' "$_holder"
}

# _runs PID COMM: has PID exec'd COMM?
_runs() {
	[[ $(cat "/proc/$1/comm" 2>/dev/null) == "$2" ]]
}

# long_options PROG: the long options PROG --help lists, without "--",
# one a line.
long_options() {
	"$1" --help | grep -oE -- '(^|[ ,])--[a-z][a-z0-9-]*' |
	    sed 's/^[ ,]*--//' | sort -u
}

# submake ARGS...: make in the build, not as a part of the make check that
# runs us (its jobserver is not ours).
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"
}

# make_var NAME: the build's Makefile's NAME, expanded.
make_var() {
	submake -s --no-print-directory -C "$SHMT_BUILDDIR" -f Makefile -f - \
	    shmt-print-var <<<"shmt-print-var: ; @echo \$($1)"
}

# nsenter_at PID NSENTER-OPTIONS... -- CMD...: nsenter -t PID with the
# options, at PID's root directory and in our working directory.  Without
# --root, entering a mount namespace puts CMD at the namespace's real
# root: in a chroot that is outside it, where neither the build nor its
# programs are (nor the chroot's /proc/sys).  A client that start_client
# runs must be nsenter itself, so that its PID is the client's: spell the
# options out there.
nsenter_at() {
	local pid=$1
	shift
	nsenter -t "$pid" --root --wd="$PWD" "$@"
}

# --- running as nobody --------------------------------------------------------

# _nobody_runs DIR: can nobody run shmls, shmmk and shmrm from DIR?
_nobody_runs() {
	local p
	# Through a shell's exec, as every other program run as nobody
	# (unshare -r, nsenter) does it: setpriv itself was seen to start a
	# program in a directory nobody may not search (a build in a 0700
	# mktemp -d, as .ci/run's sanitizer copy), where unshare then could
	# not (exit 126).
	for p in shmls shmmk shmrm; do
		"${NOBODY[@]}" sh -c 'exec "$0" --version' "$1/$p" \
		    >/dev/null 2>&1 || return 1
	done
}

# need_nobody: set up as_nobody, which runs one of the programs as user
# nobody (65534) with no groups.  If nobody cannot run the build's
# programs (a build directory under a private home), it runs copies,
# which cleanup_nobody removes.
need_nobody() {
	[[ $(id -u) -eq 0 ]] || skip "needs root to become nobody"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	"${NOBODY[@]}" true 2>/dev/null ||
	    skip "cannot become uid 65534 here (user namespace?)"
	NOBODY_BIN=$SHMT_BINDIR
	if ! _nobody_runs "$NOBODY_BIN"; then
		NOBODY_BIN=$(mktemp -d /tmp/shmt-nobody.XXXXXX)
		printf '%s\n' "$NOBODY_BIN" >"$BATS_TEST_TMPDIR/.nobody-bin"
		cp -- "$SHMT_BINDIR/shmls" "$SHMT_BINDIR/shmmk" \
		    "$SHMT_BINDIR/shmrm" "$SHMT_BINDIR/shmresize" \
		    "$SHMT_BINDIR/shmcat" "$SHMT_BINDIR/shmput" \
		    "$NOBODY_BIN/"
		chmod 755 "$NOBODY_BIN" "$NOBODY_BIN"/*
		_nobody_runs "$NOBODY_BIN" ||
		    fail "nobody cannot run copies of the programs in $NOBODY_BIN"
	fi
}

# as_nobody PROG ARGS...: run PROG as nobody (after need_nobody).
as_nobody() {
	local prog=$1
	shift
	"${NOBODY[@]}" "$NOBODY_BIN/$prog" "$@"
}

# cleanup_nobody: remove the copies need_nobody made, if any (teardown).
cleanup_nobody() {
	if [[ -f $BATS_TEST_TMPDIR/.nobody-bin ]]; then
		rm -rf -- "$(cat "$BATS_TEST_TMPDIR/.nobody-bin")"
	fi
}

# set_sysv_owner ID UID GID: give a segment another owner, as shmctl(2)
# IPC_SET does (x86-64 and aarch64 struct ipc_perm: uid at 4, gid at 8).
set_sysv_owner() {
	python3 - "$@" <<-'EOF'
	import ctypes, struct, sys
	libc = ctypes.CDLL(None, use_errno=True)
	buf = ctypes.create_string_buffer(512)
	shmid, uid, gid = (int(x) for x in sys.argv[1:4])
	if libc.shmctl(shmid, 2, buf) != 0:		# IPC_STAT
	    sys.exit("IPC_STAT: errno %d" % ctypes.get_errno())
	struct.pack_into("II", buf, 4, uid, gid)
	if libc.shmctl(shmid, 1, buf) != 0:		# IPC_SET
	    sys.exit("IPC_SET: errno %d" % ctypes.get_errno())
	EOF
}

# --- System V resizes stopped at a pause point (SHMTOOLS_TEST_PAUSE) ---

# box VAR SIZE: a container (a sleep in a new IPC and mount namespace)
# whose /dev/shm is a tmpfs of SIZE; VAR its pid.
box() {
	local _b ready=$BATS_TEST_TMPDIR/box.$RANDOM
	start_client _b unshare --ipc --mount --propagation private sh -c \
	    "mount -t tmpfs -o size=$2 shmt-box /dev/shm && : >$ready &&
	    exec sleep 1000"
	wait_until 5 test -e "$ready" || fail "the container did not start"
	wait_until 5 _runs "$_b" sleep || fail "the container did not exec"
	printf -v "$1" '%s' "$_b"
}

# in_sleep PID: PID sleeps in nanosleep(2)/clock_nanosleep(2): at a pause.
in_sleep() {
	local nr
	read -r nr _ 2>/dev/null <"/proc/$1/syscall" || return 1
	[[ $nr == 35 || $nr == 230 ]]
}

# kill_at POINT CMD...: run CMD (a shmresize) until it stops at POINT,
# then SIGKILL it there.
kill_at() {
	local point=$1 _k
	shift
	SHMTOOLS_TEST_PAUSE=$point:60000 "$@" >/dev/null 2>&1 3>&- &
	_k=$!
	wait_until 10 in_sleep "$_k" || fail "$* never reached the pause '$point'"
	kill -KILL "$_k"
	wait "$_k" || true
}

# stopped_in PID: PID, or a child of it, is stopped (SIGSTOP at a pause
# point); STOPPED is that process.
stopped_in() {
	local f pid ppid state
	for f in /proc/[0-9]*/stat; do
		read -r pid _ state ppid _ <"$f" 2>/dev/null || continue
		if [[ $state == T && ( $pid == "$1" || $ppid == "$1" ) ]]; then
			STOPPED=$pid
			return 0
		fi
	done
	return 1
}

# recovery_file: the path of the one recovery file in $TMPDIR.
recovery_file() {
	local f
	f=$(find "$TMPDIR" -maxdepth 1 -name 'shmresize-*')
	[[ -n $f && $f != *$'\n'* ]] || fail "recovery files: '$f'"
	printf '%s\n' "$f"
}
