#!/usr/bin/env bats
# 62-shmresize-crash.bats - a System V resize never loses the data: not to
# a signal, not to SIGKILL at any moment, not to a shmput or an attacher
# that comes during the copy; and what SIGKILL leaves, --recover restores.
#
# SHMTOOLS_TEST_PAUSE=POINT:MS makes shmresize stop at POINT ("rmid":
# checked and saved, before IPC_RMID; "copy": the new segment exists,
# still empty), so that a test acts at that instant instead of hoping to;
# POINT:stop stops it there (SIGSTOP) until the test acts: a SIGKILL test
# waits for that state, never for a pause to be long enough.

load test_helper

setup() {
	# Recovery files go to $TMPDIR: a directory of this test's own.
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
}

teardown() {
	restore_sysctls
	stop_clients
	cleanup_segments
	cleanup_nobody
	if [[ -n ${NOBODY_TMP:-} ]]; then
		rm -rf -- "$NOBODY_TMP"
	fi
}

# --- local helpers -------------------------------------------------------

# big_segment KEY MIB: a segment of MIB MiB filled with random bytes; the
# data in $BATS_TEST_TMPDIR/data and its checksum in $SUM.
big_segment() {
	shmmk -s "$2M" "$1"
	head -c "$(( $2 << 20 ))" /dev/urandom >"$BATS_TEST_TMPDIR/data"
	shmput -i "$BATS_TEST_TMPDIR/data" "$1"
	SUM=$(cksum <"$BATS_TEST_TMPDIR/data")
}

# prefix_sum ADDRESS BYTES: checksum of the first BYTES of the segment.
prefix_sum() {
	shmcat -n "$2" "$1" | cksum
}

# recovery_files: the names of the recovery files in $TMPDIR.
recovery_files() {
	find "$TMPDIR" -maxdepth 1 -name 'shmresize-*' -printf '%f\n'
}

# has_size KEY SIZE: the segment with KEY has SIZE bytes (the new one).
has_size() {
	[[ $(sysv_field "$1" size) == "$2" ]]
}

has_recovery_file() {
	[[ -n $(recovery_files) ]]
}

# saved BYTES: the recovery file holds its header and BYTES of data: the
# resize is past its last NATTCH check (or about to be: give it 0.1 s).
saved() {
	local f
	f=$(recovery_files)
	[[ -n $f && $(stat -c %s "$TMPDIR/$f" 2>/dev/null) == $(( $1 + 136 )) ]]
}

# shmcat_blocked: a shmcat is blocked writing into a full pipe (write,
# writev, splice or vmsplice: whichever path it took).
shmcat_blocked() {
	local p nr
	for p in $(pgrep -x shmcat); do
		read -r nr _ 2>/dev/null <"/proc/$p/syscall" || continue
		[[ $nr == 1 || $nr == 20 || $nr == 275 || $nr == 278 ]] &&
		    return 0
	done
	return 1
}

# at_pause PID: wait until shmresize PID has stopped at its pause point
# (SHMTOOLS_TEST_PAUSE=POINT:stop); go_on PID lets it go on.  What a test
# does between the two happens at that point, however slow the machine.
at_pause() {
	wait_until 60 stopped_in "$1" || fail "shmresize never reached the pause"
}

go_on() {
	kill -CONT "$1"
}

# expect_whole KEY MIB: the key names a segment whose first min(size, MIB
# MiB) bytes are those of the data (none lost, none zeroed).
expect_whole() {
	local size keep
	size=$(sysv_field "$1" size)
	[[ -n $size ]] || fail "no segment has key $1"
	keep=$(( size < ($2 << 20) ? size : ($2 << 20) ))
	assert_equal "$(prefix_sum "$1" "$keep")" \
	    "$(head -c "$keep" "$BATS_TEST_TMPDIR/data" | cksum)"
}

# resize_in_background VAR ARGS...: shmresize ARGS in the background, its
# stdout and stderr in $BATS_TEST_TMPDIR/rz.out and rz.err; VAR its pid.
# SIGINT is not ignored, as the shell does for background jobs.
resize_in_background() {
	local var=$1
	shift
	env --default-signal=INT shmresize "$@" >"$BATS_TEST_TMPDIR/rz.out" \
	    2>"$BATS_TEST_TMPDIR/rz.err" &
	printf -v "$var" '%s' "$!"
}

# --- signals that can be blocked -----------------------------------------

@test "SIGINT, SIGTERM and SIGHUP during the copy wait for it: the key holds all the data" {
	key=$(new_key)
	big_segment "$key" 48
	size=48
	for sig in INT TERM HUP; do
		size=$(( size == 48 ? 64 : 48 ))
		SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" "${size}M"
		at_pause "$pid"
		has_size "$key" $(( size << 20 ))
		kill -"$sig" "$pid"
		go_on "$pid"
		status=0
		wait "$pid" || status=$?
		# Done, the ADDRESS printed, then the signal had its way.
		assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.out")" "$key"
		assert_equal "$status" $(( 128 + $(kill -l "$sig") ))
		has_size "$key" $(( size << 20 )) || fail "$sig: wrong size"
		expect_whole "$key" 48
		assert_equal "$(recovery_files)" ""
	done
}

@test "SIGINT, SIGTERM and SIGHUP while the data is saved stop the resize: nothing changed" {
	key=$(new_key)
	big_segment "$key" 8
	id=$(sysv_id "$key")
	for sig in INT TERM HUP; do
		SHMTOOLS_TEST_PAUSE=save:stop resize_in_background pid "$key" 16M
		at_pause "$pid"
		saved $(( 8 << 20 )) || fail "the data is not saved at the pause"
		kill -"$sig" "$pid"
		go_on "$pid"
		status=0
		wait "$pid" || status=$?
		assert_equal "$status" $(( 128 + $(kill -l "$sig") ))
		assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.err")" \
		    "shmresize: $key: interrupted; nothing changed"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.out")" ""
		assert_equal "$(sysv_id "$key")" "$id"
		expect_whole "$key" 8
		assert_equal "$(recovery_files)" ""
	done
}

@test "SIGINT, SIGTERM and SIGHUP at random moments leave the old segment or the whole new one" {
	key=$(new_key)
	big_segment "$key" 48
	for i in $(seq 9); do
		sig=$(( i % 3 ))
		sig=$(case $sig in 0) echo INT ;; 1) echo TERM ;; 2) echo HUP ;; esac)
		resize_in_background pid "$key" $(( i % 2 ? 64 : 48 ))M
		sleep "0.$(( RANDOM % 20 ))"
		kill -"$sig" "$pid" 2>/dev/null || true
		wait "$pid" || true
		expect_whole "$key" 48
		assert_equal "$(recovery_files)" ""
		assert_equal "$(sysv_count)" 1
	done
}

# --- SIGKILL ------------------------------------------------------------------

@test "SIGKILL at 20 random moments: the key keeps the data, or --recover restores it" {
	key=$(new_key)
	big_segment "$key" 48
	recovered=0 stale=0
	for i in $(seq 20); do
		resize_in_background pid "$key" $(( i % 2 ? 64 : 48 ))M
		sleep "0.$(printf '%03d' $(( RANDOM % 200 )))"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" || true
		if has_recovery_file; then
			run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
			assert_output --partial "$key "
			run --separate-stderr -0 shmresize --recover "$key"
			assert_output "$key"
			if [[ $stderr == *"never removed"* ]]; then
				stale=$(( stale + 1 ))
			else
				recovered=$(( recovered + 1 ))
			fi
		fi
		assert_equal "$(recovery_files)" ""
		expect_whole "$key" 48
		assert_equal "$(sysv_count)" 1
	done
	echo "# of 20 kills, $recovered needed --recover, $stale left a stale file" >&3
}

@test "SIGKILL as the recovery file is made, before its header: no empty file is left for ever" {
	key=$(new_key)
	big_segment "$key" 8
	SHMTOOLS_TEST_PAUSE=create:stop resize_in_background pid "$key" 16M
	at_pause "$pid"
	kill -KILL "$pid"
	wait "$pid" || true
	# An empty shmresize-* file would be trusted by no --recover and
	# removed by nothing: the file must not exist before its header does.
	assert_equal "$(recovery_files)" ""
	expect_whole "$key" 8
	run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
	assert_output ""
}

@test "SIGKILL during the copy: the file names the key, shmresize refuses, --recover restores" {
	key=$(new_key)
	shmmk -m 640 -s 8M "$key"
	big_segment_data=$BATS_TEST_TMPDIR/data
	head -c 8M /dev/urandom >"$big_segment_data"
	shmput -i "$big_segment_data" "$key"
	old_id=$(sysv_id "$key")
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 12M
	at_pause "$pid"
	has_size "$key" $(( 12 << 20 ))
	kill -KILL "$pid"
	wait "$pid" || true
	# The key names the new, empty segment; the data is in the file only.
	file=$(recovery_files)
	[[ $file == "shmresize-$key-"?????? ]] || fail "recovery file: '$file'"
	run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
	assert_output "$key $old_id 8388608 12582912 640 0 0 complete $TMPDIR/$file"
	# Every listing says so while the file is there.
	run --separate-stderr -0 shmls -rn -o ADDRESS "$key"
	assert_output "$key"
	assert_stderr_has "shmls: $key: a resize was interrupted: its data is in $TMPDIR/$file; 'shmresize --recover $key' puts it back"
	run --separate-stderr -0 shmls --posix
	[[ $stderr != *interrupted* ]] || fail "a POSIX listing spoke of it"
	# A new resize would copy the empty segment: it points to --recover.
	run --separate-stderr -1 shmresize "$key" 16M
	assert_stderr_has "shmresize --recover $key"
	has_size "$key" $(( 12 << 20 ))
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	assert_stderr_has "restored from $TMPDIR/$file"
	has_size "$key" $(( 12 << 20 ))
	assert_equal "$(sysv_field "$key" perms)" 640
	expect_whole "$key" 8
	assert_equal "$(recovery_files)" ""
	assert_equal "$(sysv_count)" 1
	run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
	assert_output ""
	run --separate-stderr -0 shmls
	[[ $stderr != *interrupted* ]] || fail "shmls still speaks of it: $stderr"
}

@test "SIGKILL before IPC_RMID: --recover finds the original whole and deletes the stale file" {
	key=$(new_key)
	big_segment "$key" 4
	id=$(sysv_id "$key")
	SHMTOOLS_TEST_PAUSE=rmid:stop resize_in_background pid "$key" 8M
	at_pause "$pid"
	saved $(( 4 << 20 )) || fail "the data is not saved at the pause"
	kill -KILL "$pid"
	wait "$pid" || true
	assert_equal "$(sysv_id "$key")" "$id"
	run --separate-stderr -1 shmresize "$key" 8M
	assert_stderr_has "--recover"
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	assert_stderr_has "never removed"
	assert_equal "$(sysv_id "$key")" "$id"
	assert_equal "$(recovery_files)" ""
	expect_whole "$key" 4
	run -0 shmresize "$key" 8M
	expect_whole "$key" 4
}

@test "--recover of a private segment by its old id:N gives a new id:N with the data" {
	old=$(shmmk --private -s 1M)
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/data"
	shmput -i "$BATS_TEST_TMPDIR/data" "$old"
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$old" 2M
	at_pause "$pid"
	has_recovery_file
	kill -KILL "$pid"
	wait "$pid" || true
	[[ $(recovery_files) == "shmresize-id-${old#id:}-"?????? ]] ||
	    fail "recovery file: $(recovery_files)"
	run --separate-stderr -0 shmresize --recover "$old"
	assert_output --regexp '^id:[0-9]+$'
	new=$output
	assert_equal "$(sysv_field "$new" size)" $(( 2 << 20 ))
	assert_equal "$(shmcat -n 1M "$new" | cksum)" \
	    "$(cksum <"$BATS_TEST_TMPDIR/data")"
	assert_equal "$(recovery_files)" ""
}

@test "--recover will not replace a segment processes are attached to, unless -f" {
	need_sysv_writer
	key=$(new_key)
	big_segment "$key" 1
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 2M
	at_pause "$pid"
	has_size "$key" $(( 2 << 20 ))
	kill -KILL "$pid"
	wait "$pid" || true
	start_sysv "$key" 'on the empty one'
	run --separate-stderr -1 shmresize --recover "$key"
	assert_stderr_has "pid $PID"
	assert_stderr_has "use -f"
	has_recovery_file
	run --separate-stderr -0 shmresize -f --recover "$key"
	assert_output "$key"
	expect_whole "$key" 1
	assert_equal "$(recovery_files)" ""
}

@test "--recover without a recovery file exits 1; on a POSIX ADDRESS it is a usage error" {
	key=$(new_key)
	shmmk -s 4K "$key"
	run --separate-stderr -1 shmresize --recover "$key"
	assert_stderr_has "no recovery file for it in $TMPDIR"
	run --separate-stderr -2 shmresize --recover /name
	assert_stderr_has "Try 'shmresize --help'."
	run --separate-stderr -2 shmresize --recover
	run --separate-stderr -2 shmresize --recover "$key" 8K
}

@test "recovery files that are not to be trusted are neither listed nor used" {
	key=$(new_key)
	big_segment "$key" 1
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 2M
	at_pause "$pid"
	has_size "$key" $(( 2 << 20 ))
	kill -KILL "$pid"
	wait "$pid" || true
	file=$TMPDIR/$(recovery_files)
	mkdir "$BATS_TEST_TMPDIR/keep"
	mv "$file" "$BATS_TEST_TMPDIR/keep/good"
	good=$BATS_TEST_TMPDIR/keep/good
	# a symbolic link, another user's file, a bad header, a name that
	# does not match the key inside
	ln -s "$good" "$TMPDIR/shmresize-$key-link01"
	cp "$good" "$TMPDIR/shmresize-$key-other1"
	chown 65534 "$TMPDIR/shmresize-$key-other1"
	{ printf 'NOTMAGIC'; tail -c +9 "$good"; } >"$TMPDIR/shmresize-$key-magic1"
	cp "$good" "$TMPDIR/shmresize-0x00000001-wrong1"
	run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
	assert_output ""
	run --separate-stderr -1 shmresize --recover "$key"
	assert_stderr_has "no recovery file"
	# The real one, put back, is.
	cp "$good" "$file"
	run -0 "$SHMT_BUILDDIR/tests/unit/recovery_list"
	assert_output --partial " complete $file"
	run -0 shmresize --recover "$key"
	expect_whole "$key" 1
}

# --- the copy is exclusive -----------------------------------------------

@test "a shmput by key during a resize waits for it and lands in the new segment" {
	key=$(new_key)
	big_segment "$key" 8
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 16M
	at_pause "$pid"
	has_size "$key" $(( 16 << 20 ))
	# The shmput waits for the key's lock (polling it between sleeps);
	# the resize goes on once it waits.
	SHMTOOLS_LOCK_WAIT_MS=600000 shmput -d 'written during the resize' \
	    "$key" &
	put=$!
	wait_until 60 in_sleep "$put" || fail "shmput never waited"
	go_on "$pid"
	wait "$put"
	wait "$pid"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.out")" "$key"
	run -0 shmcat -n 25 "$key"
	assert_output 'written during the resize'
	has_size "$key" $(( 16 << 20 ))
}

@test "a shmput, shmcat or shmrm that cannot wait long enough fails clearly and changes nothing" {
	key=$(new_key)
	big_segment "$key" 8
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 16M
	at_pause "$pid"
	has_size "$key" $(( 16 << 20 ))
	export SHMTOOLS_LOCK_WAIT_MS=100
	run --separate-stderr -1 shmput -d 'lost?' "$key"
	assert_stderr_has "shmput: $key: locked: a resize of $key is in progress"
	run --separate-stderr -1 shmcat "$key"
	assert_stderr_has "locked: a resize of $key is in progress"
	run --separate-stderr -1 shmrm "$key"
	assert_stderr_has "locked"
	run --separate-stderr -1 shmresize "$key" 4M
	assert_stderr_has "locked"
	unset SHMTOOLS_LOCK_WAIT_MS
	# The lock file: in the lock directory, named after namespace and key.
	lock=/run/lock/shmtools-ipc$(stat -L -c %i /proc/self/ns/ipc)-$key.lock
	[[ -d /run/lock ]] || lock=/tmp/${lock#/run/lock/}
	# 0600: only those who could change the segment may open and lock it.
	assert_equal "$(stat -c '%F %a' "$lock")" "regular empty file 600"
	go_on "$pid"
	wait "$pid"
	has_size "$key" $(( 16 << 20 ))
	expect_whole "$key" 8
	# Its last holder removed it: keys leave no lock files behind.
	[[ ! -e $lock ]] || fail "$lock is left behind"
	shmcat "$key" >/dev/null
	shmput -d x "$key"
	[[ ! -e $lock ]] || fail "$lock is left behind by shmcat or shmput"
}

@test "a process that attaches the original after the check is reported: exit 1, pid named" {
	need_sysv_writer
	key=$(new_key)
	big_segment "$key" 1
	SHMTOOLS_TEST_PAUSE=rmid:stop resize_in_background pid "$key" 2M
	at_pause "$pid"
	start_sysv "$key" 'late'
	go_on "$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 1
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.out")" "$key"
	run cat "$BATS_TEST_TMPDIR/rz.err"
	assert_output --partial "process $PID attached during the resize and stays on the removed segment"
	# The new segment has the data (and what the late writer wrote).
	has_size "$key" $(( 2 << 20 ))
	run -0 shmcat -s "$key"
	assert_output 'late'
	assert_equal "$(recovery_files)" ""
}

@test "a process that attaches the new segment while it is filled is reported" {
	need_sysv_writer
	key=$(new_key)
	big_segment "$key" 1
	SHMTOOLS_TEST_PAUSE=copy:stop resize_in_background pid "$key" 2M
	at_pause "$pid"
	has_size "$key" $(( 2 << 20 ))
	start_sysv "$key" 'early bird'
	go_on "$pid"
	status=0
	wait "$pid" || status=$?
	assert_equal "$status" 1
	run cat "$BATS_TEST_TMPDIR/rz.err"
	assert_output --partial "process $PID attached the new segment while it was being filled"
	expect_whole "$key" 1
	assert_equal "$(recovery_files)" ""
}

# --- removed segments, and the file itself ------------------------------------

@test "shmresize -f on a removed (dest) segment exits 1 and makes no new segment" {
	need_sysv_writer
	key=$(new_key)
	start_sysv "$key" 'removed'
	id=$(sysv_id "$key")
	ipcrm -m "$id"
	assert_equal "$(ipcs -m | grep -c dest)" 1
	for f in "" -f; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 shmresize $f "id:$id" 8K
		assert_stderr_has "removed (dest)"
		assert_equal "$(sysv_count)" 1
	done
	assert_equal "$(recovery_files)" ""
}

@test "the recovery file is mode 0600 in \$TMPDIR whatever the umask, and goes when done" {
	key=$(new_key)
	shmmk -m 666 -s 1M "$key"
	umask 000
	SHMTOOLS_TEST_PAUSE=rmid:stop resize_in_background pid "$key" 2M
	at_pause "$pid"
	run -0 stat -c '%a %s' "$TMPDIR/$(recovery_files)"
	assert_output "600 $(( (1 << 20) + 136 ))"
	go_on "$pid"
	wait "$pid"
	assert_equal "$(recovery_files)" ""
	has_size "$key" $(( 2 << 20 ))
	assert_equal "$(sysv_field "$key" perms)" 666
}

@test "an unwritable TMPDIR: the resize stops before anything changes and says where it tried" {
	key=$(new_key)
	big_segment "$key" 1
	id=$(sysv_id "$key")
	TMPDIR=$BATS_TEST_TMPDIR/missing run --separate-stderr -1 shmresize "$key" 2M
	assert_stderr_has "cannot save the data in $BATS_TEST_TMPDIR/missing"
	assert_stderr_has "nothing changed"
	assert_equal "$(sysv_id "$key")" "$id"
	expect_whole "$key" 1
}

@test "a resize waits for a shmcat still reading the key, and says so when it cannot wait" {
	key=$(new_key)
	big_segment "$key" 8
	# The pipe fills: shmcat holds the key's lock, blocked writing 8 MiB
	# into it, until the reader is told to read (a FIFO).
	go=$BATS_TEST_TMPDIR/go
	mkfifo "$go"
	{ shmcat "$key" | { read -r _ <"$go"; cat >/dev/null; }; } &
	reader=$!
	wait_until 60 shmcat_blocked || fail "shmcat never filled the pipe"
	SHMTOOLS_LOCK_WAIT_MS=200 run --separate-stderr -1 shmresize "$key" 16M
	assert_stderr_has "locked: another resize, or a shmcat, shmput or shmrm of it, is still running; nothing changed"
	has_size "$key" $(( 8 << 20 ))
	# With a wait long enough it goes through once the reader is done.
	SHMTOOLS_LOCK_WAIT_MS=600000 resize_in_background pid "$key" 16M
	wait_until 60 in_sleep "$pid" || fail "shmresize never waited"
	echo go >"$go"
	wait "$reader"
	wait "$pid"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/rz.out")" "$key"
	has_size "$key" $(( 16 << 20 ))
	expect_whole "$key" 8
}

@test "another user resizes its own segment with the lock file root made" {
	need_nobody
	key=$(new_key)
	shmmk -s 4K "$key"	# root makes the key's lock file
	ipcrm -M "$key"
	as_nobody shmmk -s 4K "$key"
	NOBODY_TMP=$(mktemp -d /tmp/shmt-nobody-tmp.XXXXXX)
	chown 65534 "$NOBODY_TMP"
	TMPDIR=$NOBODY_TMP
	run --separate-stderr -0 as_nobody shmresize "$key" 8K
	assert_output "$key"
	has_size "$key" 8192
	assert_equal "$(recovery_files)" ""
}

@test "writers racing a loop of resizes lose no write, and no lock file is left" {
	key=$(new_key)
	shmmk -s 1M "$key"
	(
		for i in $(seq 1 15); do
			shmresize "$key" $(( i % 2 ? 2 : 1 ))M >/dev/null || exit 1
		done
	) &
	resizer=$!
	for i in $(seq 1 60); do
		shmput -o $(( i * 100 )) -d "mark$i" "$key"
	done
	wait "$resizer"
	for i in $(seq 1 60); do
		assert_equal "$(shmcat -o $(( i * 100 )) -n $(( 4 + ${#i} )) "$key")" "mark$i"
	done
	run find /run/lock /tmp -maxdepth 1 -name 'shmtools-ipc*.lock'
	assert_output ""
}
