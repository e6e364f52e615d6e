#!/usr/bin/env bats
# 56-cleanup-hostile.bats - root's cleanup and use of System V segments
# against other users: no user can delay or block an operation on a
# segment that user could not itself change (the key locks), a dry run
# says what the real run does in a user namespace, and a bystander's
# read does not make a running daemon's segment an orphan.
#
# Only in the private namespaces of tests/run-bats, as root: the tests
# remove orphans in bulk and run programs as nobody.

load test_helper

setup() {
	require_hermetic "a bulk removal"
	need_root
	need_nobody
	# Where nobody may make a FIFO and a ready file.
	SHARED=$(mktemp -d /tmp/shmt-hostile.XXXXXX)
	chmod 777 "$SHARED"
}

teardown() {
	stop_bg
	stop_clients
	cleanup_segments
	cleanup_nobody
	rm -rf -- "${SHARED:-/nonexistent}"
	rm -f -- /run/lock/shmtools-hostile-* /tmp/shmtools-hostile-*
}

# --- local helpers -------------------------------------------------------

# lock_dir: the directory of the tools' lock files (lock.c).
lock_dir() {
	if [[ -d /run/lock && $(stat -c %a /run/lock) == 1777 ]]; then
		echo /run/lock
	else
		echo /tmp
	fi
}

# key_lock KEY: the lock file the tools use for KEY in our IPC namespace.
key_lock() {
	echo "$(lock_dir)/shmtools-ipc$(stat -L -c %i /proc/self/ns/ipc)-$1.lock"
}

# ns_lock: a bulk removal's lock file for our IPC namespace.
ns_lock() {
	echo "$(lock_dir)/shmtools-ipc$(stat -L -c %i /proc/self/ns/ipc).lock"
}

# field_is KEY FIELD VALUE: sysv_field says so now.
field_is() {
	[[ $(sysv_field "$1" "$2") == "$3" ]]
}

# hold_as_nobody MODE FILE...: nobody makes each FILE and holds an
# flock(1) of MODE (-s, -x) on it until the FIFO $SHARED/go is opened
# for writing; returns once all are held.
hold_as_nobody() {
	local mode=$1 cmd
	shift
	mkfifo "$SHARED/go"
	chmod 666 "$SHARED/go"
	cmd="touch $SHARED/held; exec cat $SHARED/go"
	for f in "$@"; do
		cmd="flock $mode $f sh -c '${cmd//\'/\'\\\'\'}'"
	done
	bg "${NOBODY[@]}" sh -c "$cmd"
	wait_for "$SHARED/held"
}

# release: let hold_as_nobody's holders go.
release() {
	: >"$SHARED/go"
}

# --- the key locks -----------------------------------------------------------

@test "nobody's flock on the lock files of root's orphan blocks neither root's cleanup nor root's use" {
	orphan=$(new_key)
	shmmk -s 1K "$orphan"
	used=$(new_key)
	start_creator "$used"	# not an orphan: its creator runs
	shmput -d 'still here' "$used"
	hold_as_nobody -x "$(key_lock "$orphan")" "$(key_lock "$used")" \
	    "$(ns_lock)"
	# Nothing waits now; without the fix each of these waits its bound.
	export SHMTOOLS_LOCK_WAIT_MS=1000
	run --separate-stderr -0 shmrm -n --orphans --sysv
	assert_output --partial "$orphan"
	run --separate-stderr -0 shmrm -v --orphans --sysv
	assert_output --partial "removed $orphan"
	refute_output --partial "$used"
	[[ $stderr != *locked* ]] || fail "stderr: $stderr"
	assert_gone "$orphan"
	run --separate-stderr -0 shmcat -s "$used"
	assert_output 'still here'
	run --separate-stderr -0 shmput -d 'WRITTEN!!!' "$used"
	run --separate-stderr -0 shmcat -s "$used"
	assert_output 'WRITTEN!!!'
	run --separate-stderr -0 shmrm "$used"
	assert_gone "$used"
	release
}

@test "nobody reading root's segment does not hold off root's resize" {
	key=$(new_key)
	shmmk -m 644 -s 8M "$key"
	shmput -d 'the data' "$key"
	mkfifo "$SHARED/go"
	# nobody's shmcat stays attached while the pipe is full.
	bg sh -c "\"\${0}\" \"\$@\" | { cat $SHARED/go; cat >/dev/null; }" \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmcat" "$key" 2>"$SHARED/err"
	wait_until 5 field_is "$key" nattch 1 ||
	    fail "$(cat "$SHARED/err")"
	SHMTOOLS_LOCK_WAIT_MS=1000 run --separate-stderr -0 shmresize -f "$key" 16M
	assert_output "$key"
	run -0 shmcat -s "$key"
	assert_output 'the data'
	: >"$SHARED/go"
}

@test "the owner's resize still holds off root's shmcat and shmput, and says so past the bound" {
	key=$(new_key)
	as_nobody shmmk -m 666 -s 8M "$key"
	shmput -d 'kept' "$key"
	# Stopped in the copy, holding the key's lock, until SIGCONT.
	TMPDIR=$SHARED SHMTOOLS_TEST_PAUSE=copy:stop bg as_nobody shmresize "$key" 16M 2>"$SHARED/err"
	wait_until 10 stopped_in "$BG_PID" || fail "$(cat "$SHARED/err")"
	assert_equal "$(sysv_field "$key" size)" $(( 16 << 20 ))
	export SHMTOOLS_LOCK_WAIT_MS=100
	run --separate-stderr -1 shmput -d lost "$key"
	assert_stderr_has "locked: a resize of $key is in progress"
	run --separate-stderr -1 shmcat "$key"
	assert_stderr_has "locked: a resize of $key is in progress"
	kill -CONT "$STOPPED"
	wait "$BG_PID"
	run -0 shmcat -s "$key"
	assert_output 'kept'
	assert_equal "$(sysv_field "$key" uid)" 65534
}

# --- a dry run in a user namespace -----------------------------------------

# count_of WORDS: the number in shmrm's summary line "...: WORDS N segments".
count_of() {
	sed -n "s/.*: $1 \([0-9]*\) segment.*/\1/p" <<<"$stderr"
}

@test "under unshare -r, shmrm -n --orphans promises what the real run removes" {
	unshare -r true 2>/dev/null || skip "cannot make a user namespace"
	theirs=()
	for i in 1 2; do
		theirs+=("$(new_key)")
		as_nobody shmmk -s 1K "${theirs[-1]}"
	done
	theirs+=("$(new_name)")
	as_nobody shmmk -s 1K "${theirs[-1]}"
	mine=$(new_key)
	shmmk -s 1K "$mine"
	# Root there has CAP_SYS_ADMIN and CAP_FOWNER in its effective set,
	# but they count neither in our IPC namespace nor for nobody's files.
	run --separate-stderr -0 unshare -r shmrm -n -v --orphans
	would=$(count_of "would remove")
	run --separate-stderr unshare -r shmrm -v --orphans
	removed=$(count_of "removed")
	assert_equal "$would" "$removed"
	[[ $stderr != *"Operation not permitted"* ]] || fail "stderr: $stderr"
	assert_equal "$status" 0
	assert_gone "$mine"
	assert_kept "${theirs[@]}"
}

@test "nobody under unshare -r: the dry run of -f --all says what the real one does" {
	"${NOBODY[@]}" unshare -r true 2>/dev/null ||
	    skip "nobody cannot make a user namespace"
	key=$(new_key)
	shmmk -s 1K "$key"
	name=$(new_name)
	shmmk -s 1K "$name"
	# CAP_FOWNER is effective there, but root's object is not mapped.
	run --separate-stderr "${NOBODY[@]}" unshare -r \
	    "$NOBODY_BIN/shmrm" -n -f --all
	# The status with what was said, should it ever fail (CI once saw
	# 126, which unshare returns when it cannot execute the program).
	(( status == 0 )) || fail "exit $status: $stderr"
	would=$(count_of "would remove")
	run --separate-stderr "${NOBODY[@]}" unshare -r \
	    "$NOBODY_BIN/shmrm" -f -v --all
	assert_equal "$status" 0
	assert_equal "$would" "$(count_of "removed")"
	assert_kept "$key" "$name"
}

# --- orphans -----------------------------------------------------------------

# as_user UID CMD...: run CMD as user UID (no passwd entry needed).
as_user() {
	local uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

@test "nobody reading a service's segment does not make it an orphan while the service runs" {
	command -v perl >/dev/null || skip "needs perl to attach and detach"
	key=$(new_key)
	# Made by a set-up step that exits, for user 4242, readable by all.
	as_user 4242 "$NOBODY_BIN/shmmk" -m 644 -s 4K "$key"
	# The service: attaches on demand (perl's shmread attaches, reads
	# and detaches), then waits for the next request.
	start_client SERVICE setpriv --reuid=4242 --regid=4242 --clear-groups \
	    perl -e '
	    $SIG{TERM} = sub { exit(0) };
	    my $id = shmget(hex($ARGV[0]), 0, 0);
	    defined($id) && shmread($id, my $buf, 0, 1) or die "shm: $!\n";
	    open(my $f, ">", $ARGV[1]) or die "$ARGV[1]: $!\n"; close($f);
	    sleep(1000);' "$key" "$SHARED/ready"
	wait_for "$SHARED/ready"
	run --separate-stderr -0 shmls -rn -o ADDRESS --orphans --sysv
	refute_output --partial "$key"
	# A bystander attaches and detaches once: LPID is now its pid, gone.
	as_nobody shmcat "$key" >/dev/null 2>&1 ||
	    "${NOBODY[@]}" perl -e 'shmread(shmget(hex($ARGV[0]), 0, 0),
	        my $b, 0, 1) or die "shmread: $!\n"' "$key"
	[[ $(sysv_field "$key" lpid) != "$SERVICE" ]] ||
	    fail "the bystander did not attach"
	run --separate-stderr -0 shmls -rn -o ADDRESS --orphans --sysv
	refute_output --partial "$key"
	run --separate-stderr -0 shmrm -v --orphans --sysv
	refute_output --partial "$key"
	assert_kept "$key"
	# Once the service is gone, nothing of its user runs: an orphan.
	kill "$SERVICE"
	wait "$SERVICE" || true
	run --separate-stderr -0 shmrm -v --orphans --sysv
	assert_output --partial "removed $key"
	assert_gone "$key"
}
