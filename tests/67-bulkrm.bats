#!/usr/bin/env bats
# 67-bulkrm.bats - removal at ipcrm's cost, with the safety kept (issue
# 20): shmrm --all --sysv makes two shmctl calls a segment and nothing
# else a segment; shmrm KEY... as root takes one namespace lock for all
# its keys, not a lock file each, and makes three calls a key whatever
# the table holds; --orphans reads no empty inotify queue
# once an object.  And what that must not cost: a resize in progress
# still holds off the removal of its key (and of that key alone), and a
# key whose resize waits for --recover is still refused, with the others
# removed.
#
# The calls are counted with strace(1), never timed.  Every test runs in
# the private namespaces of tests/run-bats: a bulk removal outside them
# would remove the machine's real segments.

load test_helper

setup() {
	require_hermetic "a bulk removal"
	command -v strace >/dev/null || skip "no strace"
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
	TRACE=$BATS_TEST_TMPDIR/trace
}

teardown() {
	stop_bg
	stop_clients
	cleanup_segments
	cleanup_nobody
	return 0
}

# --- local helpers -------------------------------------------------------

# calls NAME: how many NAME(2) calls the last traced run made.
calls() {
	grep -c "^$1(" "$TRACE" || true
}

# traced CALLS CMD...: run CMD under strace, tracing the calls CALLS
# (comma-separated), into $TRACE; its status and stderr as bats's run.
# LeakSanitizer cannot run under ptrace (a --enable-sanitizers build).
traced() {
	local set=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    run --separate-stderr strace -qq -o "$TRACE" -e trace="$set" "$@"
}

# keys N: N new keys in KEYS, each a segment of 4K.
keys() {
	local i
	KEYS=()
	for (( i = 0; i < $1; i++ )); do
		KEYS+=("$(new_key)")
		shmmk -s 4K "${KEYS[-1]}"
	done
}

# lock_files: the tools' lock files of this IPC namespace, one a line.
lock_files() {
	local ino
	ino=$(stat -L -c %i /proc/self/ns/ipc)
	find /run/lock /tmp -maxdepth 1 -name "shmtools-ipc$ino*" 2>/dev/null
}

# --- the cost ----------------------------------------------------------------

@test "shmrm --all --sysv: two shmctl calls a segment, and no stat, geteuid or /proc read a segment" {
	need_root
	keys 60
	traced 'shmctl,shmget,geteuid,newfstatat,stat,lstat,openat,read' \
	    shmrm --all --sysv
	assert_success
	assert_equal "${stderr##*$'\n'}" \
	    "shmrm: removed 60 segments, 245760 bytes (240K)"
	assert_gone "${KEYS[@]}"
	# SHM_INFO, then SHM_STAT_ANY and IPC_RMID a segment: ipcrm's two.
	(( $(calls shmctl) <= 2 * 60 + 2 )) ||
	    fail "$(calls shmctl) shmctl calls for 60 segments"
	(( $(calls geteuid) <= 2 )) || fail "$(calls geteuid) geteuid calls"
	(( $(calls newfstatat) + $(calls stat) + $(calls lstat) < 30 )) ||
	    fail "a stat a segment: $(grep -c stat "$TRACE") calls"
	! grep -q sysvipc "$TRACE" || fail "it read /proc/sysvipc/shm"
}

@test "shmrm KEY... as root: one namespace lock, no lock file a key, three calls a key" {
	need_root
	keys 40
	traced 'openat,flock,shmget,shmctl,unlink,readlink' shmrm "${KEYS[@]}"
	assert_success
	assert_output ""
	assert_gone "${KEYS[@]}"
	# The namespace's lock file alone is made.
	(( $(grep -c 'O_CREAT' "$TRACE") <= 1 )) ||
	    fail "$(grep -c O_CREAT "$TRACE") files made for 40 keys"
	assert_equal "$(calls flock)" 0
	# shmget, IPC_STAT (SHM_STAT_ANY) and IPC_RMID a key.
	(( $(calls shmget) + $(calls shmctl) <= 3 * 40 + 2 )) ||
	    fail "$(calls shmget) shmget and $(calls shmctl) shmctl for 40 keys"
	[[ -z $(lock_files) ]] || fail "lock files left: $(lock_files)"
}

@test "shmrm KEY... of a few keys among many: three calls a key, whatever the table holds" {
	need_root
	keys 150
	traced 'shmget,shmctl' shmrm "${KEYS[3]}" "${KEYS[77]}" "${KEYS[140]}"
	assert_success
	assert_gone "${KEYS[3]}" "${KEYS[77]}" "${KEYS[140]}"
	(( $(calls shmget) + $(calls shmctl) <= 3 * 3 + 1 )) ||
	    fail "$(calls shmget) shmget and $(calls shmctl) shmctl for 3 keys"
}

@test "shmrm KEY... of 40 keys still says which one segment was attached" {
	need_sysv_writer
	keys 39
	attached=$(new_key)
	start_sysv "$attached" "attached"
	run --separate-stderr -0 shmrm "${KEYS[@]}" "$attached"
	assert_output ""
	assert_stderr_has "$attached"
	assert_stderr_has "removed while still attached"
	assert_equal "$(grep -c 'still attached' <<<"$stderr")" 1
	assert_gone "${KEYS[@]}" "$attached"
}

@test "shmrm KEY... still says a removed segment was attached, and -f passes over missing keys" {
	need_sysv_writer
	keys 2
	attached=$(new_key)
	start_sysv "$attached" "attached"
	missing=$(new_key)
	run --separate-stderr -1 shmrm "${KEYS[0]}" "$missing" "$attached" \
	    "${KEYS[1]}"
	assert_output ""
	assert_stderr_has "$missing"
	assert_stderr_has "removed while still attached"
	assert_gone "${KEYS[@]}" "$attached"
	keys 1
	run --separate-stderr -0 shmrm -f -v "$missing" "${KEYS[0]}"
	assert_output "removed ${KEYS[0]}"
	assert_equal "$stderr" ""
}

@test "shmrm --orphans reads the inotify queue only when something was opened" {
	need_root
	names=()
	for i in $(seq 60); do
		names+=("$(new_name)")
		shmmk -s 4K "${names[-1]}"
	done
	traced 'read,unlinkat,inotify_init1' shmrm --orphans
	assert_success
	assert_gone "${names[@]}"
	assert_equal "$(calls inotify_init1)" 1
	(( $(calls unlinkat) == 60 )) || fail "$(calls unlinkat) unlinkat calls"
	(( $(grep -c '^read(.*EAGAIN' "$TRACE") < 5 )) ||
	    fail "$(grep -c '^read(.*EAGAIN' "$TRACE") reads of an empty queue"
}

# --- the safety kept ---------------------------------------------------------

@test "shmrm KEY... waits for a resize of one of its keys, past the bound fails it alone, and removes the others" {
	need_root
	keys 3
	key=${KEYS[1]}
	shmput -d 'kept' "$key"
	SHMTOOLS_TEST_PAUSE=copy:stop bg shmresize "$key" 128K \
	    2>"$BATS_TEST_TMPDIR/err"
	wait_until 10 stopped_in "$BG_PID" ||
	    fail "$(cat "$BATS_TEST_TMPDIR/err")"
	SHMTOOLS_LOCK_WAIT_MS=100 run --separate-stderr -1 shmrm "${KEYS[@]}"
	assert_stderr_has "locked: a resize of $key is in progress"
	assert_gone "${KEYS[0]}" "${KEYS[2]}"
	# --all --sysv too keeps off it: the resize holds the namespace's
	# lock for reading, so each key is locked on its own; and the resize
	# has the segment attached.
	keys 1
	SHMTOOLS_LOCK_WAIT_MS=100 run --separate-stderr -0 shmrm --all --sysv
	assert_stderr_has "kept 1 in use"
	assert_gone "${KEYS[0]}"
	kill -CONT "$STOPPED"
	wait "$BG_PID"
	assert_equal "$(sysv_field "$key" size)" 131072
	run -0 shmcat -s "$key"
	assert_output 'kept'
	[[ -z $(lock_files) ]] || fail "lock files left: $(lock_files)"
}

@test "shmrm KEY... and --all --sysv refuse a key whose resize waits for --recover, and remove the others" {
	need_root
	keys 3
	key=${KEYS[1]}
	shmput -d 'original' "$key"
	kill_at copy shmresize "$key" 128K
	id=$(sysv_id "$key")
	hint="run 'shmresize --recover $key' first"
	# The killed resize's lock file is its key's alone: the first look
	# (one key, its own lock) removes it, so that the next ones are
	# covered by the namespace's lock and judged by its one look at
	# $TMPDIR.
	run --separate-stderr -1 shmrm "$key"
	assert_stderr_has "$hint"
	run --separate-stderr -1 shmrm "${KEYS[@]}"
	assert_stderr_has "$hint"
	assert_gone "${KEYS[0]}" "${KEYS[2]}"
	assert_equal "$(sysv_id "$key")" "$id"
	keys 1
	run --separate-stderr -1 shmrm --all --sysv
	assert_stderr_has "$hint"
	assert_gone "${KEYS[0]}"
	assert_equal "$(sysv_id "$key")" "$id"
	run --separate-stderr -0 shmresize --recover "$key"
	run -0 shmcat -n 8 "$key"
	assert_output 'original'
}

@test "not root, shmrm KEY... still refuses a key whose resize waits for --recover, whatever key it asks about first" {
	need_nobody
	shared=$(mktemp -d /tmp/shmt-bulkrm.XXXXXX)
	chmod 777 "$shared"
	KEYS=()
	for i in 1 2 3; do
		KEYS+=("$(new_key)")
		as_nobody shmmk -s 4K "${KEYS[-1]}"
	done
	key=${KEYS[1]}
	TMPDIR=$shared as_nobody shmput -d 'original' "$key"
	TMPDIR=$shared kill_at copy "${NOBODY[@]}" "$NOBODY_BIN/shmresize" "$key" 128K
	id=$(sysv_id "$key")
	# The first key has no recovery file: that look must not stand for
	# the second key's, which has one.
	TMPDIR=$shared run --separate-stderr -1 as_nobody shmrm "${KEYS[@]}"
	assert_stderr_has "run 'shmresize --recover $key' first"
	assert_gone "${KEYS[0]}" "${KEYS[2]}"
	assert_equal "$(sysv_id "$key")" "$id"
	TMPDIR=$shared run --separate-stderr -0 as_nobody shmresize --recover "$key"
	run -0 shmcat -n 8 "$key"
	assert_output 'original'
	rm -rf "$shared"
}
