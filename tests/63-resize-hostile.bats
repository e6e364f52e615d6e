#!/usr/bin/env bats
# 63-resize-hostile.bats - what a System V resize killed half way leaves,
# met by everyone else (issue 19): a recovery file is trusted only in the
# IPC namespace it was made in, though another has its inode number now;
# every hint that names a command names the place (-N PID) and works as
# printed; no program reads, writes, makes or removes a key whose resize
# waits for --recover.  (A huge-page segment whose owner may not make huge
# pages: tests/99-hugepages.bats, the one file that reserves huge pages,
# a count of the whole machine's.)
#
# A resize is killed at a pause point (SHMTOOLS_TEST_PAUSE=POINT:MS, see
# src/lib/recovery.c), waited on by its state (asleep in nanosleep at the
# point), never by a clock.  The header offsets are our own format's
# (struct shm_recovery_header, src/lib/backend.h): ipcns at 48, the
# namespace's id at 56 (version 2; version 1 ended at 56).

load test_helper

setup() {
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir -p "$TMPDIR"
}

teardown() {
	stop_clients
	cleanup_segments
	return 0
}

# --- local helpers -------------------------------------------------------

# put_le FILE OFFSET BYTES VALUE: write VALUE, BYTES bytes little-endian,
# at OFFSET of FILE (the tests run on little-endian machines only: the
# header is in native order).
put_le() {
	local i bytes=""
	for (( i = 0; i < $3; i++ )); do
		bytes+=$(printf '\\x%02x' $(( ($4 >> (8 * i)) & 255 )))
	done
	# shellcheck disable=SC2059
	printf "$bytes" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# box VAR: a container (a sleep in a new IPC and mount namespace); VAR its pid.
box() {
	local _b ready=$BATS_TEST_TMPDIR/box.$RANDOM
	start_client _b unshare --ipc --mount --propagation private sh -c \
	    "mount -t tmpfs -o size=1m shmt-box /dev/shm && : >$ready &&
	    exec sleep 1000"
	wait_until 5 test -e "$ready" || fail "the container did not start"
	wait_until 5 _runs "$_b" sleep || fail "the container did not exec"
	printf -v "$1" '%s' "$_b"
}

need_boxes() {
	require_hermetic "makes IPC and mount namespaces"
	need_root
	unshare --ipc --mount --propagation private true 2>/dev/null ||
	    skip "cannot make an IPC and mount namespace"
}

# inside PID CMD...: CMD in the IPC and mount namespaces of PID.
inside() {
	local pid=$1
	shift
	nsenter_at "$pid" --ipc --mount -- "$@"
}

# printed_command TEXT: the command a message says to run ('...').
printed_command() {
	[[ $1 =~ run\ \'([^\']+)\' ]] || fail "no command in: $1"
	printf '%s\n' "${BASH_REMATCH[1]}"
}

# run_printed TEXT: run the command a message names, as printed.
run_printed() {
	local -a words
	read -ra words <<<"$(printed_command "$1")"
	run --separate-stderr "${words[@]}"
}

# data_segment KEY SIZE: a segment of SIZE random bytes, kept in $DATA.
data_segment() {
	DATA=$BATS_TEST_TMPDIR/data
	shmmk -s "$2" "$1" >/dev/null
	head -c "$2" /dev/urandom >"$DATA"
	shmput -i "$DATA" "$1"
}

# --- finding 2: a number the kernel reuses is not an identity ----------------

@test "another namespace's recovery file with this one's inode number: not listed, not pending, not used" {
	need_boxes
	box a
	box b
	key=0x00630001
	inside "$a" shmmk -s 64K "$key" >/dev/null
	inside "$a" shmput -d "A's stale data" "$key"
	kill_at copy shmresize -N "$a" "$key" 128K
	file=$(recovery_file)
	inside "$b" shmmk -s 64K "$key" >/dev/null
	inside "$b" shmput -d "B's live data" "$key"
	id=$(shmls -N "$b" -rn -o ID "$key")
	# A goes; the next namespace made is given its number: here, B's.
	stop_clients_of() { kill "$1"; wait "$1" 2>/dev/null || true; }
	stop_clients_of "$a"
	put_le "$file" 48 8 "$(stat -Lc %i "/proc/$b/ns/ipc")"
	# With the namespace's id (Linux 6.18), then without (an older
	# kernel wrote 0): what B's key names is not what A's resize left.
	for nsid in kept zero; do
		[[ $nsid == kept ]] || put_le "$file" 56 8 0
		run --separate-stderr -0 shmls -N "$b" --sysv
		[[ $stderr != *interrupted* && $stderr != *recover* ]] ||
		    fail "$nsid: shmls -N B points to A's file: $stderr"
		run --separate-stderr -0 shmcat -s -N "$b" "$key"
		assert_output "B's live data"
		run --separate-stderr -1 shmresize -N "$b" --recover "$key"
		assert_stderr_has "no recovery file for it"
		assert_equal "$(shmls -N "$b" -rn -o ID "$key")" "$id"
		run -0 shmcat -s -N "$b" "$key"
		assert_output "B's live data"
		[[ -e $file ]] || fail "$nsid: A's file was removed"
	done
	# B's own resize is not refused for A's file.
	run --separate-stderr -0 shmresize -N "$b" "$key" 128K
	assert_equal "$(shmls -N "$b" -rnb -o SIZE "$key")" 131072
	run -0 shmcat -s -N "$b" "$key"
	assert_output "B's live data"
}

@test "without the namespace's id, a file is still trusted where its key names what the resize left" {
	key=$(new_key)
	for point in copy gone; do
		data_segment "$key" 64K
		kill_at "$point" shmresize "$key" 128K
		file=$(recovery_file)
		put_le "$file" 56 8 0	# as a kernel without NS_GET_ID wrote it
		run --separate-stderr -0 shmls --sysv
		assert_stderr_has "'shmresize --recover $key' puts it back"
		run --separate-stderr -0 shmresize --recover "$key"
		assert_output "$key"
		assert_stderr_has "restored from $file"
		assert_equal "$(sysv_field "$key" size)" 131072
		shmcat -n 64K "$key" | cmp "$DATA" - || fail "$point: data differ"
		ipcrm -M "$key"
	done
}

@test "a version 1 file is read as before, but replaces no segment but the original without -f" {
	key=$(new_key)
	data_segment "$key" 64K
	kill_at copy shmresize "$key" 128K
	file=$(recovery_file)
	# Version 1: the first 56 bytes of the header, then the data.
	{ head -c 56 "$file"; tail -c +137 "$file"; } >"$file.v1"
	put_le "$file.v1" 8 4 1
	mv -- "$file.v1" "$file"
	run --separate-stderr -1 shmcat "$key"
	assert_stderr_has "run 'shmresize --recover $key' first"
	run --separate-stderr -1 shmresize --recover "$key"
	assert_stderr_has "cannot tell from another IPC namespace's"
	assert_stderr_has "use -f"
	[[ -e $file ]] || fail "the file went"
	run --separate-stderr -0 shmresize -f --recover "$key"
	assert_output "$key"
	shmcat -n 64K "$key" | cmp "$DATA" - || fail "data differ"
}

# --- finding 6: hints name the place, and work as printed ---------------------

@test "every recovery hint of another place names -N PID, and running it as printed puts the data back" {
	need_boxes
	box c
	key=0x00630011
	inside "$c" shmmk -s 64K "$key" >/dev/null
	inside "$c" shmput -d "theirs" "$key"
	kill_at copy shmresize -N "$c" "$key" 128K
	# shmresize's refusal
	run --separate-stderr -1 shmresize -N "$c" "$key" 256K
	assert_equal "$(printed_command "$stderr")" "shmresize -N $c --recover $key"
	# shmcat's refusal (the library's words)
	run --separate-stderr -1 shmcat -N "$c" "$key"
	assert_equal "$(printed_command "$stderr")" "shmresize -N $c --recover $key"
	# shmls's pointer
	run --separate-stderr -0 shmls -N "$c" --sysv
	assert_stderr_has "'shmresize -N $c --recover $key' puts it back"
	run_printed "run '$(printed_command "$(shmresize -N "$c" "$key" 8K 2>&1)")'"
	assert_equal "$status" 0
	assert_output "$key"
	run -0 shmcat -s -N "$c" "$key"
	assert_output "theirs"
	# The failure after the point of no return: the copy finds no room.
	inside "$c" sysctl -q -w kernel.shmall=8
	run --separate-stderr -1 shmresize -N "$c" "$key" 256K
	assert_stderr_has "kernel.shmall"
	assert_equal "$(printed_command "$stderr")" "shmresize -N $c --recover $key"
	msg=$stderr
	inside "$c" sysctl -q -w kernel.shmall=1000000
	run_printed "$msg"
	assert_equal "$status" 0
	assert_output "$key"
	run -0 shmcat -s -N "$c" "$key"
	assert_output "theirs"
}

# --- finding 14: a half-copied segment never passes for data -------------------

@test "a resize killed mid-copy: shmcat, shmput, shmmk, shmmk --reuse and shmrm refuse the key, naming --recover" {
	key=$(new_key)
	data_segment "$key" 64K
	kill_at copy shmresize "$key" 128K
	id=$(sysv_id "$key")
	hint="run 'shmresize --recover $key' first"
	for cmd in "shmcat $key" "shmcat id:$id" "shmput -d written $key" \
	    "shmput -d written id:$id" "shmmk --reuse $key" \
	    "shmmk --reuse -s 128K $key" "shmmk -s 4K $key" "shmrm $key" \
	    "shmrm id:$id"; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 $cmd
		assert_output ""
		assert_stderr_has "$hint"
	done
	run --separate-stderr shmrm --orphans
	assert_equal "$(sysv_id "$key")" "$id"
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	# Nothing written meanwhile: the data are the original's.
	shmcat -n 64K "$key" | cmp "$DATA" - || fail "data differ"
	run -0 shmcat -n 4 "$key"
	run -0 shmput -d x "$key"
}

@test "a resize killed between IPC_RMID and the new shmget: the key waits for --recover; shmmk does not take it" {
	key=$(new_key)
	data_segment "$key" 64K
	kill_at gone shmresize "$key" 128K
	[[ -z $(sysv_id "$key") ]] || fail "the key names a segment"
	for cmd in "shmcat $key" "shmput -d x $key" "shmmk -s 4K $key" \
	    "shmmk --reuse -s 4K $key" "shmrm $key"; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 $cmd
		assert_output ""
		assert_stderr_has "an interrupted resize left its data in"
		assert_stderr_has "run 'shmresize --recover $key' first"
	done
	[[ -z $(sysv_id "$key") ]] || fail "a segment was made under the key"
	run --separate-stderr -0 shmresize --recover "$key"
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 131072
	shmcat -n 64K "$key" | cmp "$DATA" - || fail "data differ"
}
