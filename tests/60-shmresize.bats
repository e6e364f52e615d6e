#!/usr/bin/env bats
# 60-shmresize.bats - shmresize sets, grows and shrinks every kind of
# segment, keeps the data that still fits, and on failure keeps it all.

load test_helper

teardown() {
	restore_sysctls
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# can_give_away: are we root with uid and gid 1234 and 4321 mapped (not
# so in the user namespace run-bats falls back to without real root)?
can_give_away() {
	[[ $(id -u) -eq 0 ]] &&
	    awk '$1 <= 1234 && 1234 < $1 + $3 { f = 1 } END { exit !f }' \
	    /proc/self/uid_map &&
	    awk '$1 <= 4321 && 4321 < $1 + $3 { f = 1 } END { exit !f }' \
	    /proc/self/gid_map
}

# sysv_owner KEY|id:N: "UID GID" from /proc/sysvipc/shm.
sysv_owner() {
	echo "$(sysv_field "$1" uid) $(sysv_field "$1" gid)"
}

# fill ADDRESS SIZE: put SIZE random bytes in the segment, keep a copy in
# $BATS_TEST_TMPDIR/data.
fill() {
	head -c "$2" /dev/urandom >"$BATS_TEST_TMPDIR/data"
	shmput -i "$BATS_TEST_TMPDIR/data" "$1"
}

# expect_content ADDRESS NEWSIZE OLDSIZE: the segment is NEWSIZE bytes: the
# first min(OLD, NEW) bytes of the data, then zeros.
expect_content() {
	local a=$1 new=$2 old=$3 keep
	keep=$(( new < old ? new : old ))
	expect_bytes "$a" <(head -c "$keep" "$BATS_TEST_TMPDIR/data"
	    head -c "$(( new - keep ))" /dev/zero)
}

# --- POSIX and files -----------------------------------------------------------

@test "POSIX: grow to an absolute size keeps the data and zero-fills; prints the ADDRESS" {
	name=$(new_name)
	shmmk -s 4K "$name"
	fill "$name" 4096
	run --separate-stderr -0 shmresize "$name" 10K
	assert_output "$name"
	assert_equal "$stderr" ""
	assert_equal "$(stat -c %s "/dev/shm$name")" 10240
	expect_content "$name" 10240 4096
}

@test "POSIX: shrink to an absolute size keeps the prefix" {
	name=$(new_name)
	shmmk -s 4K "$name"
	fill "$name" 4096
	run -0 shmresize "$name" 1000
	assert_equal "$(stat -c %s "/dev/shm$name")" 1000
	expect_content "$name" 1000 4096
}

@test "POSIX: +SIZE grows and -SIZE shrinks by that much" {
	name=$(new_name)
	shmmk -s 4K "$name"
	fill "$name" 4096
	shmresize "$name" +1K
	assert_equal "$(stat -c %s "/dev/shm$name")" 5120
	expect_content "$name" 5120 4096
	shmresize "$name" -3K
	assert_equal "$(stat -c %s "/dev/shm$name")" 2048
	expect_content "$name" 2048 4096
	shmresize "$name" -2K
	assert_equal "$(stat -c %s "/dev/shm$name")" 0
}

@test "file: grow and shrink (absolute, +SIZE, -SIZE) keep the prefix" {
	f=file:$BATS_TEST_TMPDIR/seg
	shmmk -s 1000 "$f"
	fill "$f" 1000
	run -0 shmresize "$f" 3000
	assert_output "$f"
	expect_content "$f" 3000 1000
	shmresize "$f" +24
	expect_content "$f" 3024 1000
	shmresize "$f" -3000
	expect_content "$f" 24 1000
	shmresize "$f" 500
	assert_equal "$(stat -c %s "${f#file:}")" 500
}

@test "a negative size after the ADDRESS is an operand, not an option" {
	name=$(new_name)
	shmmk -s 4K "$name"
	fill "$name" 4096
	run --separate-stderr -0 shmresize "$name" -1K
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 3072
	expect_content "$name" 3072 4096
	key=$(new_key)
	shmmk -s 4K "$key"
	run -0 shmresize "$key" -1K
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 3072
}

@test "-SIZE larger than the size exits 1 and leaves the segment unchanged" {
	name=$(new_name)
	shmmk -s 1K "$name"
	fill "$name" 1024
	run --separate-stderr -1 shmresize "$name" -2K
	assert_output ""
	assert_stderr_has "shmresize: $name: "
	expect_content "$name" 1024 1024
	key=$(new_key)
	shmmk -s 1K "$key"
	fill "$key" 1024
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -1 shmresize "$key" -1025
	assert_output ""
	assert_stderr_has "shmresize: $key: "
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	expect_content "$key" 1024 1024
}

# --- System V ----------------------------------------------------------------------

@test "System V keyed: grow gives the new size under the same key and mode, data preserved" {
	key=$(new_key)
	shmmk -m 640 -s 4K "$key"
	fill "$key" 4096
	run --separate-stderr -0 shmresize "$key" 12K
	assert_output "$key"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_field "$key" size)" 12288
	assert_equal "$(sysv_field "$key" perms)" 640
	assert_equal "$(sysv_field "$key" shmid | wc -l)" 1
	expect_content "$key" 12288 4096
}

@test "System V keyed: shrink (absolute and -SIZE) keeps the prefix, key and mode" {
	key=$(new_key)
	shmmk -m 604 -s 8K "$key"
	fill "$key" 8192
	run -0 shmresize "$key" 5000
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 5000
	assert_equal "$(sysv_field "$key" perms)" 604
	expect_content "$key" 5000 8192
	run -0 shmresize "$key" +1000
	assert_equal "$(sysv_field "$key" size)" 6000
	expect_content "$key" 6000 5000
}

@test "System V keyed: the copy keeps the owner and group" {
	can_give_away || skip "giving a segment away needs real root"
	key=$(new_key)
	shmmk -m 660 -s 4K "$key"
	fill "$key" 4096
	set_sysv_owner "$(sysv_field "$key" shmid)" 1234 4321
	assert_equal "$(sysv_owner "$key")" "1234 4321"
	run -0 shmresize "$key" 8K
	assert_equal "$(sysv_owner "$key")" "1234 4321"
	assert_equal "$(sysv_field "$key" perms)" 660
	expect_content "$key" 8192 4096
	run -0 shmls -rn -o UID,GID "$key"
	assert_output "1234 4321"
}

@test "System V private: prints the new id:N, which holds the data; the old id is gone" {
	old=$(shmmk --private -m 640 -s 4K)
	track "$old"
	fill "$old" 4096
	run --separate-stderr -0 shmresize "$old" 8K
	assert_output --regexp '^id:[0-9]+$'
	new=$output
	track "$new"
	assert_equal "$(sysv_field "$new" size)" 8192
	assert_equal "$(sysv_field "$new" perms)" 640
	assert_equal "$(sysv_field "$new" key)" 0
	expect_content "$new" 8192 4096
	if [[ $new != "$old" ]]; then
		assert_gone "$old"
	fi
}

@test "System V: an attached segment is refused without -f, unchanged" {
	need_sysv_writer
	key=$(new_key)
	start_client client sysv_writer "$key" 4096 'in use' \
	    "$BATS_TEST_TMPDIR/ready" "$BATS_TEST_TMPDIR/echo"
	wait_for "$BATS_TEST_TMPDIR/ready"
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -1 shmresize "$key" 8K
	assert_output ""
	assert_stderr_has "shmresize: $key: "
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	assert_equal "$(sysv_field "$key" size)" 4096
	assert_equal "$(sysv_field "$key" nattch)" 1
	run -0 shmcat -s "$key"
	assert_output 'in use'
	signal_echo "$client" "$BATS_TEST_TMPDIR/echo"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/echo")" 'in use'
}

@test "System V: an attached segment is resized with -f" {
	need_sysv_writer
	key=$(new_key)
	start_client client sysv_writer "$key" 4096 'forced' \
	    "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	run --separate-stderr -0 shmresize -f "$key" 8K
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 8192
	run -0 shmcat -s "$key"
	assert_output forced
	run -0 shmls -rnb -o SIZE "$key"
	assert_output 8192
}

@test "System V: resizing to 0 fails and keeps the segment and its data" {
	key=$(new_key)
	shmmk -m 640 -s 1K "$key"
	fill "$key" 1024
	run --separate-stderr -1 shmresize "$key" 0
	assert_stderr_has "shmresize: $key: "
	assert_equal "$(sysv_field "$key" size)" 1024
	assert_equal "$(sysv_field "$key" perms)" 640
	expect_content "$key" 1024 1024
}

@test "System V: kernel.shmmax below the new size: exit 1, key and data intact" {
	skip_unless_hermetic "changes kernel.shmmax"
	key=$(new_key)
	shmmk -m 640 -s 4K "$key"
	fill "$key" 4096
	owner=$(sysv_owner "$key")
	if can_give_away; then
		set_sysv_owner "$(sysv_field "$key" shmid)" 1234 4321
		owner="1234 4321"
	fi
	sysctl -n kernel.shmmax >"$BATS_TEST_TMPDIR/shmmax"
	sysctl -q -w kernel.shmmax=65536
	run --separate-stderr -1 shmresize "$key" 1M
	assert_stderr_has "shmresize: $key: "
	assert_stderr_has "kernel.shmmax"
	assert_equal "$(sysv_field "$key" size)" 4096
	assert_equal "$(sysv_field "$key" perms)" 640
	assert_equal "$(sysv_owner "$key")" "$owner"
	expect_content "$key" 4096 4096
	# Nothing left behind but the original.
	assert_equal "$(sysv_count)" 1
	assert_equal "$(devshm_count)" 0
}

# --- errors ---------------------------------------------------------------------------

@test "a missing segment exits 1 and creates nothing" {
	name=$(new_name)
	key=$(new_key)
	run --separate-stderr -1 shmresize "$name" 1K
	assert_output ""
	assert_stderr_has "shmresize: $name: "
	assert_gone "$name"
	run --separate-stderr -1 shmresize "$key" 1K
	assert_stderr_has "shmresize: $key: "
	[[ -z $(sysv_field "$key" shmid) ]]
}

@test "usage errors: missing size, bad size, three operands, bad address; nothing changes" {
	name=$(new_name)
	shmmk -s 1K "$name"
	fill "$name" 1024
	for args in "$name" "$name 1.5K" "$name 10X" "$name +-1K" "$name 1K 2K" \
	    "/bad/name 1K" ""; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 shmresize $args
		assert_output ""
		assert_stderr_has "Try 'shmresize --help'."
	done
	expect_content "$name" 1024 1024
}

# --- a mapped POSIX object ------------------------------------------------

@test "POSIX: an object a process maps is not shrunk without -f, but may grow" {
	skip_unless_hermetic "needs to see every process's mappings"
	name=$(new_name)
	ready=$BATS_TEST_TMPDIR/ready
	start_client client posix_writer "$name" 8192 'mapped' "$ready"
	wait_for "$ready"
	run --separate-stderr -1 shmresize "$name" 4096
	assert_stderr_has "not shrunk (use -f to force)"
	assert_stderr_has "pid $client"
	[[ $(stat -c %s "/dev/shm${name}") -eq 8192 ]]
	# Growing cannot hurt the process that maps it.
	run -0 shmresize "$name" 16384
	[[ $(stat -c %s "/dev/shm${name}") -eq 16384 ]]
	run -0 shmresize -f "$name" 4096
	assert_output "$name"
	[[ $(stat -c %s "/dev/shm${name}") -eq 4096 ]]
	[[ $(shmcat -s "$name") == mapped ]]
}
