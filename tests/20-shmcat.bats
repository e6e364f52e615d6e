#!/usr/bin/env bats
# 20-shmcat.bats - shmcat writes exactly the bytes of each segment, in
# order, honours -o, -n and -s at their boundaries, and fails safely.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# random_file PATH N: N random bytes (with NULs, surely, for N >= 4096).
random_file() {
	head -c "$2" /dev/urandom >"$1"
}

# --- exact bytes of each kind --------------------------------------------------

@test "System V keyed: exact bytes, the whole segment" {
	key=$(new_key)
	shmmk -s 4K "$key"
	random_file "$BATS_TEST_TMPDIR/in" 4096
	shmput -i "$BATS_TEST_TMPDIR/in" "$key"
	shmcat "$key" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "System V keyed: the same segment by key:N, id:N and bare N" {
	key=$(new_key)
	shmmk -s 1K "$key"
	shmput -d 'by any name' "$key"
	id=$(sysv_id "$key")
	for a in "key:$(( key ))" "id:$id" "$id"; do
		run -0 shmcat -s "$a"
		assert_output 'by any name'
	done
}

@test "System V private: exact bytes through id:N" {
	a=$(shmmk --private -s 3000)
	track "$a"
	random_file "$BATS_TEST_TMPDIR/in" 3000
	shmput -i "$BATS_TEST_TMPDIR/in" "$a"
	shmcat "$a" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "System V: a segment larger than what was written reads as data then zeros" {
	key=$(new_key)
	shmmk -s 16 "$key"
	shmput -d abc "$key"
	shmcat "$key" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/out" <(printf 'abc'; head -c 13 /dev/zero)
}

@test "POSIX: exact bytes of an object written directly in /dev/shm" {
	name=$(new_name)
	shmmk "$name"
	random_file "/dev/shm$name" 5000
	shmcat "$name" >"$BATS_TEST_TMPDIR/out"
	cmp "/dev/shm$name" "$BATS_TEST_TMPDIR/out"
	shmcat "posix:${name#/}" >"$BATS_TEST_TMPDIR/out2"
	cmp "/dev/shm$name" "$BATS_TEST_TMPDIR/out2"
}

@test "POSIX: an empty object prints nothing and exits 0" {
	name=$(new_name)
	shmmk "$name"
	run --separate-stderr -0 shmcat "$name"
	assert_output ""
	assert_equal "$stderr" ""
}

@test "file: exact bytes of the file" {
	f=$BATS_TEST_TMPDIR/seg
	random_file "$f" 7777
	shmcat "file:$f" >"$BATS_TEST_TMPDIR/out"
	cmp "$f" "$BATS_TEST_TMPDIR/out"
}

@test "binary data with NULs round-trips through every kind" {
	random_file "$BATS_TEST_TMPDIR/in" 100000
	in=$BATS_TEST_TMPDIR/in
	[[ $(tr -dc '\000' <"$in" | wc -c) -gt 0 ]]	# there are NULs
	key=$(new_key)
	shmmk -s 100000 "$key"
	priv=$(shmmk --private -s 100000)
	track "$priv"
	name=$(new_name)
	shmmk -s 100000 "$name"
	f=$BATS_TEST_TMPDIR/seg
	shmmk -s 100000 "file:$f"
	for a in "$key" "$priv" "$name" "file:$f"; do
		shmput -i "$in" "$a"
		shmcat "$a" >"$BATS_TEST_TMPDIR/out"
		cmp "$in" "$BATS_TEST_TMPDIR/out"
	done
	# and independently of shmcat for the ones with a file
	cmp "$in" "/dev/shm$name"
	cmp "$in" "$f"
}

@test "several addresses are written in the order given" {
	key=$(new_key)
	shmmk -s 3 "$key"
	shmput -d KKK "$key"
	name=$(new_name)
	printf 'PPPP' >"/dev/shm$name"
	f=$BATS_TEST_TMPDIR/seg
	printf 'FF' >"$f"
	run --separate-stderr -0 shmcat "file:$f" "$key" "$name" "$key"
	assert_output FFKKKPPPPKKK
	assert_equal "$stderr" ""
}

# --- -o and -n -------------------------------------------------------------------

@test "-o and -n select exact bytes" {
	name=$(new_name)
	printf '0123456789' >"/dev/shm$name"
	run -0 shmcat -o 3 "$name"
	assert_output 3456789
	run -0 shmcat -n 4 "$name"
	assert_output 0123
	run -0 shmcat -o 2 -n 5 "$name"
	assert_output 23456
	run -0 shmcat --offset 9 --length 1 "$name"
	assert_output 9
}

@test "-o and -n apply to each segment of several" {
	a=$(new_name)
	b=$(new_name)
	printf 'abcdef' >"/dev/shm$a"
	printf 'uvwxyz' >"/dev/shm$b"
	run -0 shmcat -o 1 -n 2 "$a" "$b"
	assert_output bcvw
}

@test "-o and -n take SIZE suffixes" {
	name=$(new_name)
	shmmk -s 3K "$name"
	shmput -o 1K -d marker "$name"
	run -0 shmcat -o 1K -n 6 "$name"
	assert_output marker
	run -0 shmcat -o 1k -n 6 "$name"
	assert_output marker
}

@test "-o at the end of the segment prints nothing and exits 0" {
	name=$(new_name)
	printf '0123456789' >"/dev/shm$name"
	run --separate-stderr -0 shmcat -o 10 "$name"
	assert_output ""
	assert_equal "$stderr" ""
	key=$(new_key)
	shmmk -s 1K "$key"
	run --separate-stderr -0 shmcat -o 1K "$key"
	assert_output ""
}

@test "-o beyond the end exits 1 with a message and prints nothing" {
	name=$(new_name)
	printf '0123456789' >"/dev/shm$name"
	run --separate-stderr -1 shmcat -o 11 "$name"
	assert_output ""
	assert_stderr_has "shmcat: $name: "
	key=$(new_key)
	shmmk -s 1K "$key"
	run --separate-stderr -1 shmcat -o 1025 "$key"
	assert_output ""
	assert_stderr_has "shmcat: $key: "
}

@test "-n 0 prints nothing and exits 0" {
	name=$(new_name)
	printf '0123456789' >"/dev/shm$name"
	run --separate-stderr -0 shmcat -n 0 "$name"
	assert_output ""
	assert_equal "$stderr" ""
}

@test "-n larger than the rest prints the rest" {
	name=$(new_name)
	printf '0123456789' >"/dev/shm$name"
	run -0 shmcat -o 7 -n 1M "$name"
	assert_output 789
	key=$(new_key)
	shmmk -s 8 "$key"
	shmput -d ABCDEFGH "$key"
	run -0 shmcat -o 6 -n 100 "$key"
	assert_output GH
}

# --- -s ------------------------------------------------------------------------------

@test "-s stops at the first NUL byte" {
	name=$(new_name)
	printf 'hello\0world\0' >"/dev/shm$name"
	shmcat -s "$name" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/out" <(printf hello)
	run -0 shmcat --string -o 6 "$name"
	assert_output world
	key=$(new_key)
	shmmk -s 1M "$key"
	shmput -d 'a C string' "$key"
	shmcat -s "$key" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/out" <(printf 'a C string')
}

@test "-s reads the whole segment when it holds no NUL" {
	name=$(new_name)
	head -c 20000 /dev/zero | tr '\0' 'x' >"/dev/shm$name"
	shmcat -s "$name" >"$BATS_TEST_TMPDIR/out"
	cmp "/dev/shm$name" "$BATS_TEST_TMPDIR/out"
}

@test "-s on a segment starting with NUL prints nothing" {
	key=$(new_key)
	shmmk -s 1K "$key"
	run -0 shmcat -s "$key"
	assert_output ""
}

# --- failures ----------------------------------------------------------------------

@test "a missing segment among several: the others are printed, exit 1, message names it" {
	a=$(new_name)
	b=$(new_name)
	missing=$(new_name)
	key=$(new_key)
	printf 'first' >"/dev/shm$a"
	printf 'last' >"/dev/shm$b"
	run --separate-stderr -1 shmcat "$a" "$missing" "$key" "$b"
	assert_output firstlast
	assert_stderr_has "shmcat: $missing: "
	assert_stderr_has "shmcat: $key: "
}

@test "a bad address exits 2 and nothing is read" {
	name=$(new_name)
	printf 'must not appear' >"/dev/shm$name"
	for bad in /a/b bad 'posix:' 'key:0' 'id:x' '/..'; do
		run --separate-stderr -2 shmcat "$name" "$bad"
		assert_output ""
		assert_stderr_has "Try 'shmcat --help'."
	done
}

@test "no ADDRESS is a usage error" {
	run --separate-stderr -2 shmcat
	assert_output ""
	assert_stderr_has "Try 'shmcat --help'."
}

@test "a bad -o or -n is a usage error" {
	name=$(new_name)
	printf 'data' >"/dev/shm$name"
	run --separate-stderr -2 shmcat -o -1 "$name"
	assert_output ""
	run --separate-stderr -2 shmcat -n 1.5 "$name"
	assert_output ""
}

@test "a symbolic link in /dev/shm is refused, not followed" {
	skip_unless_hermetic "creates entries in /dev/shm"
	printf 'secret' >"$BATS_TEST_TMPDIR/target"
	ln -s "$BATS_TEST_TMPDIR/target" /dev/shm/link
	run --separate-stderr -1 shmcat /link
	assert_output ""
	assert_stderr_has "shmcat: /link: "
	assert_stderr_has "symbolic link"
}

@test "a FIFO in /dev/shm does not block shmcat" {
	skip_unless_hermetic "creates entries in /dev/shm"
	mkfifo /dev/shm/fifo
	run --separate-stderr timeout 5 shmcat /fifo
	assert_equal "$status" 1	# not 124: it did not hang
	assert_output ""
	assert_stderr_has "shmcat: /fifo: "
}

@test "a directory in /dev/shm is refused" {
	skip_unless_hermetic "creates entries in /dev/shm"
	mkdir /dev/shm/dir
	run --separate-stderr -1 timeout 5 shmcat /dir
	assert_output ""
	assert_stderr_has "shmcat: /dir: "
}

@test "a reader that goes away (closed pipe) causes no error message" {
	name=$(new_name)
	shmmk -s 8M "$name"
	head -c 8M /dev/zero | tr '\0' 'z' | shmput "$name"
	run --separate-stderr bash -c 'shmcat "$1" | head -c 10' _ "$name"
	assert_output zzzzzzzzzz
	assert_equal "$stderr" ""
	# With SIGPIPE ignored (as under some daemons and CI runners) the
	# write fails with EPIPE instead: still no message, and not success.
	run --separate-stderr bash -c \
	    'trap "" PIPE; shmcat "$1" | head -c 10; exit "${PIPESTATUS[0]}"' \
	    _ "$name"
	assert_equal "$status" 1
	assert_output zzzzzzzzzz
	assert_equal "$stderr" ""
}
