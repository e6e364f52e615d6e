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

PATH="$SHMT_BUILDDIR/src:$SHMT_BUILDDIR/tests/clients:$PATH"
export PATH

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

# _key_in_use KEY: is there a System V segment with this key?  KEY is
# any shell number (0x5e001234, 1234).  /proc/sysvipc/shm prints keys as
# signed ints: 0x80000000 and above appear negative.
_key_in_use() {
	local key=$(( $1 & 0xffffffff ))
	[[ -r /proc/sysvipc/shm ]] || return 1
	awk -v k="$key" 'NR > 1 { v = $1 + 0; if (v < 0) v += 4294967296;
	    if (v == k) found = 1 } END { exit !found }' /proc/sysvipc/shm
}

# new_key: a System V key, 0x5e followed by six random hex digits, that no
# existing segment has; printed as 0x%08x, as shmls prints keys.
new_key() {
	local key
	while :; do
		key=$(printf '0x5e%06x' $(( ((RANDOM << 15) | RANDOM) & 0xffffff )))
		_key_in_use "$key" || break
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

# wait_for FILE [SECONDS]: wait until FILE exists (a client's readiness
# signal), at most SECONDS (default 5).
wait_for() {
	local file=$1 tries=$(( ${2:-5} * 20 ))
	while [[ ! -e $file ]]; do
		if (( tries-- <= 0 )); then
			echo "wait_for: $file did not appear" >&2
			return 1
		fi
		sleep 0.05
	done
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

# signal_echo PID ECHOFILE: ask a client for the contents it sees (SIGUSR1)
# and wait for its answer in ECHOFILE.
signal_echo() {
	local pid=$1 echofile=$2
	rm -f -- "$echofile"
	kill -USR1 "$pid"
	wait_for "$echofile"
}
