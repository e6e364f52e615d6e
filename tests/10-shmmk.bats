#!/usr/bin/env bats
# 10-shmmk.bats - shmmk creates every kind of segment, exclusively, with the
# size and mode asked for, and prints exactly its ADDRESS.

load test_helper

teardown() {
	restore_sysctls
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# assert_usage_error: the last run exited 2, printed nothing on stdout,
# and told the user where to look.
assert_usage_error() {
	assert_equal "$status" 2
	assert_equal "$output" ""
	assert_stderr_has "Try 'shmmk --help'."
}

# check_mode_every_kind MODE: shmmk -m MODE makes a System V keyed ($key),
# a private ($priv), a POSIX ($name) and a file segment ($f) of mode MODE.
check_mode_every_kind() {
	local m=$1
	key=$(new_key)
	name=$(new_name)
	f=$BATS_TEST_TMPDIR/seg
	shmmk -m "$m" -s 1K "$key"
	priv=$(shmmk -m "$m" -s 1K --private)
	track "$priv"
	shmmk -m "$m" -s 1K "$name"
	shmmk -m "$m" -s 1K "file:$f"
	assert_equal "$(sysv_field "$key" perms)" "$m"
	assert_equal "$(sysv_field "$priv" perms)" "$m"
	assert_equal "$(stat -c %a "/dev/shm$name")" "$m"
	assert_equal "$(stat -c %a "$f")" "$m"
}

expected_ftok() {
	python3 -c 'import os,sys; st=os.stat(sys.argv[1]); print("0x%08x" % ((st.st_ino & 0xffff) | ((st.st_dev & 0xff) << 16) | ((int(sys.argv[2]) & 0xff) << 24)))' "$1" "$2"
}

# ftok_key FILE PROJ: set key to what ftok(3) gives FILE and PROJ, for
# cleanup; skip the test if the machine already has a segment with it.
ftok_key() {
	key=$(expected_ftok "$1" "$2")
	if segment_exists "$key"; then
		skip "the machine already has a segment with key $key"
	fi
	track "$key"
}

# --- creation of each kind ----------------------------------------------

@test "System V keyed: prints exactly the key; the segment has the size and default mode 0600" {
	key=$(new_key)
	run --separate-stderr -0 shmmk -s 1K "$key"
	assert_output "$key"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" ""
	assert_equal "$(sysv_field "$key" size)" 1024
	assert_equal "$(sysv_field "$key" perms)" 600
	run -0 ipcs -m
	assert_output --partial "$key"
}

@test "System V private: prints exactly id:N of a new key-0 segment of that size" {
	run --separate-stderr -0 shmmk --private -s 4K
	assert_output --regexp '^id:[0-9]+$'
	assert_equal "${#lines[@]}" 1
	id=${output#id:}
	track "$output"
	assert_equal "$(sysv_field "id:$id" key)" 0
	assert_equal "$(sysv_field "id:$id" size)" 4096
	assert_equal "$(sysv_field "id:$id" perms)" 600
}

@test "System V private: -p is --private and two calls make two segments" {
	a=$(shmmk -p -s 1K)
	b=$(shmmk -p -s 1K)
	track "$a" "$b"
	[[ $a == id:* && $b == id:* && $a != "$b" ]]
	assert_kept "$a" "$b"
}

@test "POSIX: prints exactly /NAME; the object has the size and default mode 0600" {
	name=$(new_name)
	run --separate-stderr -0 shmmk -s 100 "$name"
	assert_output "$name"
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" ""
	[[ -f /dev/shm$name && ! -L /dev/shm$name ]]
	assert_equal "$(stat -c '%s %a' "/dev/shm$name")" "100 600"
}

@test "POSIX: posix:NAME creates the same object and prints /NAME" {
	name=$(new_name)
	run -0 shmmk -s 10 "posix:${name#/}"
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 10
}

@test "POSIX: without -s the object is created empty" {
	name=$(new_name)
	run -0 shmmk "$name"
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 0
}

@test "file: prints exactly file:PATH; the file has the size and default mode 0600" {
	f=$BATS_TEST_TMPDIR/seg
	run --separate-stderr -0 shmmk -s 3K "file:$f"
	assert_output "file:$f"
	assert_equal "${#lines[@]}" 1
	assert_equal "$(stat -c '%s %a' "$f")" "3072 600"
	# A new file reads as zeros.
	cmp "$f" <(head -c 3072 /dev/zero)
}

# --- mode ------------------------------------------------------------------

@test "-m 640 gives every kind mode 0640" {
	check_mode_every_kind 640
	run -0 shmls -n -o PERMS "$key" "$priv" "$name" "file:$f"
	assert_output "$(printf 'rw-r-----\n%.0s' 1 2 3 4)"
}

@test "the umask does not narrow -m: umask 077 and -m 644 give 0644 for every kind" {
	umask 077
	check_mode_every_kind 644
}

@test "-m accepts a leading 0 and the long form --mode" {
	name=$(new_name)
	shmmk --mode 0604 "$name"
	assert_equal "$(stat -c %a "/dev/shm$name")" 604
}

# --- exclusive creation ------------------------------------------------------

@test "System V keyed: a second create exits 1 with 'exists' and leaves the first intact" {
	key=$(new_key)
	shmmk -m 640 -s 1K "$key"
	shmput -d first "$key"
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -1 shmmk -m 600 -s 2K "$key"
	assert_output ""
	assert_stderr_has "shmmk: $key: "
	assert_stderr_has "exists"
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	assert_equal "$(sysv_field "$key" size)" 1024
	assert_equal "$(sysv_field "$key" perms)" 640
	run -0 shmcat -s "$key"
	assert_output first
}

@test "POSIX: a second create exits 1 with 'exists' and leaves the first intact" {
	name=$(new_name)
	shmmk -m 640 -s 100 "$name"
	head -c 100 /dev/urandom >"$BATS_TEST_TMPDIR/data"
	cp "$BATS_TEST_TMPDIR/data" "/dev/shm$name"
	ino=$(stat -c %i "/dev/shm$name")
	run --separate-stderr -1 shmmk -m 600 -s 200 "$name"
	assert_output ""
	assert_stderr_has "shmmk: $name: "
	assert_stderr_has "exists"
	assert_equal "$(stat -c '%i %s %a' "/dev/shm$name")" "$ino 100 640"
	cmp "$BATS_TEST_TMPDIR/data" "/dev/shm$name"
}

@test "file: a second create exits 1 with 'exists' and leaves the file intact" {
	f=$BATS_TEST_TMPDIR/seg
	printf 'precious data' >"$f"
	chmod 640 "$f"
	run --separate-stderr -1 shmmk -s 1K "file:$f"
	assert_output ""
	assert_stderr_has "exists"
	assert_equal "$(stat -c '%s %a' "$f")" "13 640"
	assert_equal "$(cat "$f")" "precious data"
}

# --- --reuse -----------------------------------------------------------------

@test "--reuse: System V keyed segment large enough is accepted as it is" {
	key=$(new_key)
	shmmk -m 640 -s 2K "$key"
	shmput -d kept "$key"
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -0 shmmk --reuse -s 1K "$key"
	assert_output "$key"
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	assert_equal "$(sysv_field "$key" size)" 2048
	assert_equal "$(sysv_field "$key" perms)" 640
	run -0 shmcat -s "$key"
	assert_output kept
}

@test "--reuse without -s accepts an existing System V segment of any size" {
	key=$(new_key)
	shmmk -s 2K "$key"
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -0 shmmk --reuse "$key"
	assert_output "$key"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	assert_equal "$(sysv_field "$key" size)" 2048
}

@test "--reuse: System V segment too small is refused with exit 1 and left alone" {
	key=$(new_key)
	shmmk -s 1K "$key"
	id=$(sysv_field "$key" shmid)
	run --separate-stderr -1 shmmk --reuse -s 4K "$key"
	assert_output ""
	assert_stderr_has "shmmk: $key: "
	assert_equal "$(sysv_field "$key" shmid)" "$id"
	assert_equal "$(sysv_field "$key" size)" 1024
}

@test "--reuse: POSIX object large enough is accepted unchanged, too small refused" {
	name=$(new_name)
	shmmk -s 100 "$name"
	shmput -d kept "$name"
	run -0 shmmk --reuse -s 100 "$name"
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 100
	assert_equal "$(head -c 4 "/dev/shm$name")" kept
	run --separate-stderr -1 shmmk --reuse -s 101 "$name"
	assert_output ""
	assert_stderr_has "shmmk: $name: "
	assert_equal "$(stat -c %s "/dev/shm$name")" 100
	assert_equal "$(head -c 4 "/dev/shm$name")" kept
}

@test "--reuse: file large enough is accepted unchanged, too small refused" {
	f=$BATS_TEST_TMPDIR/seg
	printf 'abcdef' >"$f"
	run -0 shmmk --reuse -s 6 "file:$f"
	assert_output "file:$f"
	assert_equal "$(cat "$f")" abcdef
	run -1 shmmk --reuse -s 7 "file:$f"
	assert_equal "$(cat "$f")" abcdef
}

@test "--reuse: a missing segment is created" {
	key=$(new_key)
	name=$(new_name)
	run -0 shmmk --reuse -s 1K "$key"
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 1024
	run -0 shmmk --reuse -s 10 "$name"
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 10
}

# --- --ftok ------------------------------------------------------------------

@test "--ftok PATH gives the key ftok(3) gives with PROJ 1" {
	f=$BATS_TEST_TMPDIR/ftok-file
	: >"$f"
	ftok_key "$f" 1
	run --separate-stderr -0 shmmk --ftok "$f" -s 1K
	assert_output "$key"
	assert_equal "$(sysv_field "$key" size)" 1024
}

@test "--ftok PATH:PROJ gives the key ftok(3) gives with PROJ" {
	f=$BATS_TEST_TMPDIR/ftok-file
	: >"$f"
	ftok_key "$f" 200
	run -0 shmmk --ftok "$f:200" -s 1K
	assert_output "$key"
	assert_kept "$key"
	# The same PATH:PROJ is the same key: exclusive.
	run -1 shmmk --ftok "$f:200" -s 1K
}

@test "--ftok with a missing file exits 1 and creates nothing" {
	before=$(sysv_count)
	run --separate-stderr -1 shmmk --ftok "$BATS_TEST_TMPDIR/missing" -s 1K
	assert_output ""
	assert_stderr_has "$BATS_TEST_TMPDIR/missing"
	assert_equal "$(sysv_count)" "$before"
}

@test "--ftok with PROJ out of 1-255 is a usage error" {
	f=$BATS_TEST_TMPDIR/ftok-file
	: >"$f"
	run --separate-stderr shmmk --ftok "$f:0" -s 1K
	assert_usage_error
	run --separate-stderr shmmk --ftok "$f:256" -s 1K
	assert_usage_error
}

# --- --reserve -----------------------------------------------------------------

@test "--reserve allocates the blocks of a POSIX object now" {
	name=$(new_name)
	run -0 shmmk --reserve -s 1M "$name"
	assert_output "$name"
	assert_equal "$(stat -c %s "/dev/shm$name")" 1048576
	(( $(stat -c %b "/dev/shm$name") > 0 ))
	# Without --reserve the object is sparse.
	other=$(new_name)
	shmmk -s 1M "$other"
	assert_equal "$(stat -c %b "/dev/shm$other")" 0
}

@test "--reserve allocates the blocks of a file now" {
	f=$BATS_TEST_TMPDIR/seg
	run -0 shmmk --reserve -s 64K "file:$f"
	(( $(stat -c %b "$f") * 512 >= 65536 ))
}

@test "--reserve beyond the free space of /dev/shm fails with 'no space' and leaves nothing" {
	skip_unless_hermetic "a /dev/shm of known size ($SHMT_SHM_SIZE)"
	name=$(new_name)
	run --separate-stderr -1 shmmk --reserve -s 100M "$name"
	assert_output ""
	assert_stderr_has "shmmk: $name: "
	[[ ${stderr,,} == *"no space"* ]] ||
	    fail "no 'no space' in: $stderr"
	assert_gone "$name"
	assert_equal "$(devshm_count)" 0
	# The space it tried to take is free again.
	shmmk --reserve -s 32M "$(new_name)"
}

# --- System V limits -----------------------------------------------------------

@test "System V without -s is a usage error and creates nothing" {
	key=$(new_key)
	run --separate-stderr shmmk "$key"
	assert_usage_error
	assert_gone "$key"
	run --separate-stderr shmmk --private
	assert_usage_error
}

@test "System V over kernel.shmmax exits 1 naming kernel.shmmax and creates nothing" {
	skip_unless_hermetic "changes kernel.shmmax"
	sysctl -n kernel.shmmax >"$BATS_TEST_TMPDIR/shmmax"
	sysctl -q -w kernel.shmmax=1048576
	key=$(new_key)
	run --separate-stderr -1 shmmk -s 2M "$key"
	assert_output ""
	assert_stderr_has "shmmk: $key: "
	assert_stderr_has "kernel.shmmax"
	assert_gone "$key"
	run --separate-stderr -1 shmmk -s 2M --private
	assert_stderr_has "kernel.shmmax"
	assert_equal "$(sysv_count)" 0
	# At the limit it still works.
	run -0 shmmk -s 1M "$key"
}

# --- usage errors ----------------------------------------------------------------

@test "usage: --private with an ADDRESS" {
	name=$(new_name)
	run --separate-stderr shmmk --private -s 1K "$name"
	assert_usage_error
	assert_gone "$name"
}

@test "usage: id:N is chosen by the kernel, not an ADDRESS to create" {
	run --separate-stderr shmmk -s 1K id:5
	assert_usage_error
	run --separate-stderr shmmk -s 1K 5
	assert_usage_error
}

@test "usage: a memfd address cannot be created" {
	run --separate-stderr shmmk -s 1K "memfd:$$:3"
	assert_usage_error
}

@test "usage: bad modes -m 8, -m 1000, -m rw" {
	name=$(new_name)
	for m in 8 1000 rw; do
		run --separate-stderr shmmk -m "$m" "$name"
		assert_usage_error
		assert_gone "$name"
	done
}

@test "usage: bad sizes -s 1.5K, -s -1, -s 10X" {
	name=$(new_name)
	for s in 1.5K -1 10X; do
		run --separate-stderr shmmk -s "$s" "$name"
		assert_usage_error
		assert_gone "$name"
	done
}

@test "usage: two addresses, none created" {
	a=$(new_name)
	b=$(new_name)
	run --separate-stderr shmmk -s 1K "$a" "$b"
	assert_usage_error
	assert_gone "$a" "$b"
}

@test "usage: no ADDRESS" {
	run --separate-stderr shmmk -s 1K
	assert_usage_error
}

@test "usage: a malformed ADDRESS names the rule it broke" {
	run --separate-stderr shmmk -s 1K /a/b
	assert_usage_error
	assert_stderr_has "/a/b"
	run --separate-stderr shmmk -s 1K key:0
	assert_usage_error
}
