#!/usr/bin/env bats
# 50-shmrm.bats - shmrm removes every kind of segment, checks every operand
# before removing any, and never follows a symbolic link.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# make_all: one segment of each kind; sets key priv name file.
make_all() {
	key=$(new_key)
	shmmk -s 1K "$key" >/dev/null
	priv=$(shmmk --private -s 1K)
	track "$priv"
	name=$(new_name)
	shmmk -s 1K "$name" >/dev/null
	file=file:$BATS_TEST_TMPDIR/seg
	shmmk -s 1K "$file" >/dev/null
}

# --- removing --------------------------------------------------------------

@test "removes a System V keyed segment: gone from /proc and ipcs" {
	key=$(new_key)
	shmmk -s 1K "$key"
	run --separate-stderr -0 shmrm "$key"
	assert_output ""
	assert_equal "$stderr" ""
	assert_gone "$key"
}

@test "removes a System V private segment by id:N and by bare N" {
	a=$(shmmk --private -s 1K)
	b=$(shmmk --private -s 1K)
	track "$a" "$b"
	run --separate-stderr -0 shmrm "$a" "${b#id:}"
	assert_output ""
	assert_equal "$stderr" ""
	assert_gone "$a" "$b"
}

@test "removes a System V segment by key:N in decimal" {
	key=$(new_key)
	shmmk -s 1K "$key"
	shmrm "key:$(( key ))"
	assert_gone "$key"
}

@test "removes a POSIX object, by /NAME and by posix:NAME" {
	a=$(new_name)
	b=$(new_name)
	shmmk "$a"
	shmmk "$b"
	run --separate-stderr -0 shmrm "$a" "posix:${b#/}"
	assert_output ""
	assert_equal "$stderr" ""
	assert_gone "$a" "$b"
}

@test "removes a file: address" {
	f=$BATS_TEST_TMPDIR/seg
	printf data >"$f"
	run -0 shmrm "file:$f"
	assert_gone "file:$f"
}

@test "removes only what it is given" {
	make_all
	other_key=$(new_key)
	shmmk -s 1K "$other_key"
	other_name=$(new_name)
	shmmk "$other_name"
	shmrm "$key" "$priv" "$name" "$file"
	assert_gone "$key" "$priv" "$name" "$file"
	assert_kept "$other_key" "$other_name"
	run -0 shmls -rn -o ADDRESS "$other_key" "$other_name"
}

@test "several operands, one missing: the others are removed, exit 1, message names it" {
	make_all
	missing=$(new_name)
	missing_key=$(new_key)
	run --separate-stderr -1 shmrm "$key" "$missing" "$priv" "$missing_key" \
	    "$name" "$file"
	assert_output ""
	assert_stderr_has "shmrm: $missing: "
	assert_stderr_has "shmrm: $missing_key: "
	assert_equal "$(grep -c . <<<"$stderr")" 2
	assert_gone "$key" "$priv" "$name" "$file"
}

@test "-f: a missing segment is not an error" {
	make_all
	missing=$(new_name)
	missing_key=$(new_key)
	run --separate-stderr -0 shmrm -f "$missing" "$missing_key" "id:2147483647"
	assert_output ""
	assert_equal "$stderr" ""
	run --separate-stderr -0 shmrm --force "$key" "$missing" "$name"
	assert_equal "$stderr" ""
	assert_gone "$key" "$name"
	assert_kept "$priv" "$file"
}

@test "-n removes nothing and says what would be removed" {
	make_all
	run --separate-stderr -0 shmrm -n "$key" "$priv" "$name" "$file"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 4
	for a in "$key" "$priv" "$name" "$file"; do
		assert_line --partial "$a"
	done
	assert_kept "$key" "$priv" "$name" "$file"
	run -0 shmrm --dry-run "$name"
	assert_output --partial "$name"
	assert_kept "$name"
}

@test "-n with a missing segment says so and exits 1, still removing nothing" {
	make_all
	missing=$(new_name)
	run --separate-stderr -1 shmrm -n "$key" "$missing"
	assert_stderr_has "shmrm: $missing: "
	assert_output --partial "$key"
	assert_kept "$key"
}

@test "-v prints each removed ADDRESS" {
	make_all
	run --separate-stderr -0 shmrm -v "$key" "$priv" "$name" "$file"
	assert_equal "$stderr" ""
	assert_equal "${#lines[@]}" 4
	assert_line --index 0 --partial "$key"
	assert_line --index 1 --partial "$priv"
	assert_line --index 2 --partial "$name"
	assert_line --index 3 --partial "$file"
	assert_gone "$key" "$priv" "$name" "$file"
}

@test "-v does not claim to remove what was missing" {
	name=$(new_name)
	missing=$(new_name)
	shmmk "$name"
	run --separate-stderr -1 shmrm --verbose "$missing" "$name"
	assert_equal "${#lines[@]}" 1
	assert_output --partial "$name"
	refute_output --partial "$missing"
}

@test "a bad address among good ones: exit 2 and nothing removed" {
	make_all
	for bad in /a/b bad 'key:0' 'posix:..' 'id:-1'; do
		run --separate-stderr -2 shmrm "$key" "$priv" "$name" "$file" "$bad"
		assert_output ""
		assert_stderr_has "Try 'shmrm --help'."
		assert_kept "$key" "$priv" "$name" "$file"
	done
}

@test "a memfd address is a usage error and nothing is removed" {
	make_all
	run --separate-stderr -2 shmrm "$name" "memfd:$$:0"
	assert_output ""
	assert_stderr_has "Try 'shmrm --help'."
	assert_kept "$name"
}

@test "no operand is a usage error" {
	run --separate-stderr -2 shmrm
	assert_output ""
	assert_stderr_has "Try 'shmrm --help'."
	run --separate-stderr -2 shmrm -f
	assert_stderr_has "Try 'shmrm --help'."
}

# --- attached System V segments -----------------------------------------------

@test "an attached System V segment: exit 0, 'still attached' warning, dest until the client exits" {
	need_sysv_writer
	key=$(new_key)
	start_client client sysv_writer "$key" 4096 attached \
	    "$BATS_TEST_TMPDIR/ready" "$BATS_TEST_TMPDIR/echo"
	wait_for "$BATS_TEST_TMPDIR/ready"
	id=$(sysv_id "$key")
	[[ -n $id ]]
	run --separate-stderr -0 shmrm "$key"
	assert_output ""
	assert_stderr_has "shmrm: $key: "
	assert_stderr_has "still attached"
	# The key is free at once; the memory lives on, marked dest.
	assert_gone "$key"
	assert_kept "id:$id"
	run -0 shmls -rn -o ADDRESS,STATUS "id:$id"
	assert_output "id:$id dest"
	run -0 ipcs -m -i "$id"
	# The client still sees its data.
	signal_echo "$client" "$BATS_TEST_TMPDIR/echo"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/echo")" attached
	# It goes when the last process detaches.
	stop_clients
	assert_gone "id:$id"
	run -1 shmls "id:$id"
}

@test "a new segment may take the key of one removed while attached" {
	need_sysv_writer
	key=$(new_key)
	start_client client sysv_writer "$key" 4096 old "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	shmrm "$key" 2>/dev/null
	shmmk -s 1K "$key"
	run -0 shmls -rnb -o ADDRESS,SIZE,NATTCH "$key"
	assert_output "$key 1024 0"
}

# --- what shmrm must not touch ------------------------------------------------------

@test "a symlink in /dev/shm to a file outside is not followed; the target is untouched" {
	skip_unless_hermetic "creates entries in /dev/shm"
	printf 'keep me' >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" /dev/shm/link
	run --separate-stderr -1 shmrm /link
	assert_stderr_has "shmrm: /link: "
	assert_stderr_has "symbolic link"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/target")" 'keep me'
	[[ -L /dev/shm/link ]]
}

@test "a symlink in /dev/shm to a POSIX object does not remove the object" {
	skip_unless_hermetic "creates entries in /dev/shm"
	name=$(new_name)
	shmmk -s 10 "$name"
	shmput -d 'still here' "$name"
	ln -s "/dev/shm$name" /dev/shm/link
	run -1 shmrm /link
	assert_kept "$name"
	run -0 shmcat "$name"
	assert_output 'still here'
}

@test "a directory or FIFO in /dev/shm is refused and left alone" {
	skip_unless_hermetic "creates entries in /dev/shm"
	mkdir /dev/shm/dir
	mkfifo /dev/shm/fifo
	run --separate-stderr -1 timeout 5 shmrm /dir /fifo
	assert_stderr_has "shmrm: /dir: "
	assert_stderr_has "shmrm: /fifo: "
	[[ -d /dev/shm/dir && -p /dev/shm/fifo ]]
}
