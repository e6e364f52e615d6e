#!/usr/bin/env bats
# 68-sysvdata.bats - the System V data paths of issue 20, by the calls
# they make (strace), never by their time: shmput KEY < FILE as root goes
# through a read-write descriptor of the segment's own pages
# (/proc/self/map_files) with sendfile, and faults, populates and reads
# into nothing; without that descriptor (no CAP_SYS_ADMIN or
# CAP_CHECKPOINT_RESTORE, nobody, or a kernel that refuses to write it)
# input is read into the attached mapping 8 MiB at a time, each piece
# populated first.  And what that must not cost: exact bytes at every
# offset, the bytes around the input kept, a read-only attachment never
# turned into a writable descriptor, input not lost when the kernel path
# is refused, an old kernel without MADV_POPULATE (EINVAL), and the
# errors of writing (no space, a reader gone) said as before.

load test_helper

# Under strace: LeakSanitizer cannot run under ptrace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# Root without the capabilities that open /proc/self/map_files.
UNPRIV=(setpriv --bounding-set=-sys_admin,-checkpoint_restore)

# 20 MiB and a bit: three pieces of 8 MiB, the last not a whole page.
BIG=$(( 20 * 1048576 + 1237 ))

setup() {
	need_root
	command -v strace >/dev/null || skip "strace is not installed"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	T=$BATS_TEST_TMPDIR
	TR=$T/trace
}

teardown() {
	cleanup_segments
	cleanup_nobody
	return 0
}

# --- local helpers -------------------------------------------------------

# traced CMD...: CMD under strace, the calls of the data paths into $TR.
traced() {
	strace -f -qq -o "$TR" -e \
	    trace=openat,sendfile,copy_file_range,read,write,madvise,splice,vmsplice \
	    "$@"
}

# calls RE: the lines of $TR (pids stripped) that match the extended RE.
calls() {
	sed -E 's/^[0-9]+ +//' "$TR" | grep -E "$1" || true
}

# ncalls RE: how many.
ncalls() {
	calls "$1" | wc -l
}

# returns RE: the return values of the calls that match RE, on one line.
returns() {
	echo $(calls "$1" | sed 's/.* = \([-0-9]*\).*/\1/')
}

dump() {
	sed -E 's/^[0-9]+ +//' "$TR" | grep -Ev 'ELF|/lib|/usr|locale' | head -30
}

# sysv_seg SIZE: a new key with a segment of SIZE bytes of 'a'.
sysv_seg() {
	KEY=$(new_key)
	shmmk -s "$1" -m 0666 "$KEY" >/dev/null
	head -c "$1" /dev/zero | tr '\0' a | shmput "$KEY"
}

# --- as root: through the segment's pages ---------------------------------

@test "shmput KEY < FILE as root: sendfile into a read-write descriptor of its pages; nothing populated, nothing read into the mapping" {
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	traced shmput "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" - || fail "the segment does not hold the input"
	[[ $(ncalls '^openat\(.*"/proc/self/map_files/[0-9a-f]+-[0-9a-f]+", O_RDWR') == 1 ]] ||
	    fail "no read-write descriptor of its pages:"$'\n'"$(dump)"
	assert_equal "$(returns "^sendfile\\([0-9]+, 0, NULL, ")" "$BIG"
	assert_equal "$(ncalls 'MADV_POPULATE')" 0
	assert_equal "$(ncalls '^read\(0, .* = [1-9]')" 0
	# -i FILE: the same
	head -c "$BIG" /dev/urandom >"$T/in2"
	traced shmput -i "$T/in2" "$KEY"
	shmcat "$KEY" | cmp "$T/in2" -
	assert_equal "$(returns '^sendfile\([0-9]+, [0-9]+, NULL, ')" "$BIG"
}

@test "shmput -o through its pages: exactly the input at the offset, the bytes before and after kept" {
	local size=$(( 3 * 1048576 + 1237 )) off=5001 n=$(( 2 * 1048576 + 77 ))
	head -c "$n" /dev/urandom >"$T/in"
	sysv_seg "$size"
	traced shmput -o "$off" "$KEY" <"$T/in"
	assert_equal "$(returns '^sendfile\(.* = [1-9]')" "$n"
	{ head -c "$off" /dev/zero | tr '\0' a; cat "$T/in"
	  head -c $(( size - off - n )) /dev/zero | tr '\0' a; } >"$T/want"
	shmcat "$KEY" | cmp "$T/want" -
	# at the very end: fits to the last byte
	head -c $(( size - off )) /dev/urandom >"$T/in"
	shmput -o "$off" "$KEY" <"$T/in"
	{ head -c "$off" "$T/want"; cat "$T/in"; } | cmp - <(shmcat "$KEY")
}

@test "shmput from a file read part way: from where the input stands, and no more" {
	local size=$(( 3 * 1048576 ))
	head -c $(( size + 4096 )) /dev/urandom >"$T/in"
	sysv_seg "$size"
	# the shell has read the first 4096 bytes: the rest fits exactly
	traced bash -c 'head -c 4096 >/dev/null; exec shmput "$1"' _ "$KEY" <"$T/in"
	tail -c +4097 "$T/in" | cmp - <(shmcat "$KEY")
	assert_equal "$(returns '^sendfile\(')" "$size"
}

@test "input that does not fit: refused before a byte is written, through its pages or not" {
	local size=$(( 1048576 + 1 ))
	head -c $(( size + 1 )) /dev/urandom >"$T/in"
	sysv_seg "$size"
	traced shmput "$KEY" <"$T/in" && fail "shmput took input that does not fit"
	assert_equal "$(ncalls '^(sendfile|read\(0)')" 0
	assert_equal "$(shmcat "$KEY" | tr -d a | wc -c)" 0
}

@test "a read-only attachment is never made a writable descriptor: shmcat opens its pages read-only" {
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	shmput "$KEY" <"$T/in"
	traced shmcat "$KEY" >"$T/out"
	cmp "$T/in" "$T/out"
	[[ $(ncalls '^openat\(.*/proc/self/map_files/.*O_RDONLY') == 1 ]] ||
	    fail "no read-only descriptor of its pages:"$'\n'"$(dump)"
	assert_equal "$(ncalls '^openat\(.*/proc/self/map_files/.*O_RDWR')" 0
}

@test "the kernel will not write its pages' descriptor (sendfile EINVAL, as on hugetlbfs): the mapping takes the input, none of it lost" {
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	strace -f -qq -o "$TR" -e trace=openat,sendfile,copy_file_range,read,madvise \
	    -e inject=sendfile:error=EINVAL shmput "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" -
	calls '^sendfile\(.*EINVAL' | grep -q . ||
	    fail "sendfile was not tried:"$'\n'"$(dump)"
	assert_equal "$(ncalls 'madvise\(.*MADV_POPULATE_WRITE')" 3
	assert_equal "$(returns '^read\(0, .* = [1-9]')" "8388608 8388608 4195541"
}

@test "sendfile into its pages fails (EIO, ENOSPC): exit 1, said, nothing written" {
	local e
	head -c 65536 /dev/urandom >"$T/in"
	sysv_seg 65536
	for e in EIO ENOSPC; do
		run --separate-stderr strace -f -qq -o "$TR" \
		    -e inject=sendfile:error=$e shmput "$KEY" <"$T/in"
		assert_equal "$status" 1
		assert_stderr_has "0 bytes were written at offset 0"
		assert_equal "$(shmcat "$KEY" | tr -d a | wc -c)" 0
	done
}

# --- without the descriptor: from the populated mapping --------------------

@test "without map_files: each 8 MiB piece populated (MADV_POPULATE_WRITE), then read into the mapping" {
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	traced "${UNPRIV[@]}" shmput "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" -
	assert_equal "$(ncalls '^sendfile\(.* = [1-9]')" 0
	assert_equal "$(ncalls 'madvise\(.*8388608, MADV_POPULATE_WRITE')" 2
	assert_equal "$(ncalls 'madvise\(.*MADV_POPULATE_WRITE')" 3
	assert_equal "$(returns '^read\(0, .* = [1-9]')" "8388608 8388608 4195541"
	# from a pipe, root or not: read into the mapping, no sendfile
	head -c "$BIG" /dev/urandom >"$T/in2"
	cat "$T/in2" | traced shmput "$KEY"
	shmcat "$KEY" | cmp "$T/in2" -
	assert_equal "$(ncalls '^(sendfile|openat\(.*map_files)')" 0
	[[ $(ncalls 'madvise\(.*MADV_POPULATE_WRITE') -ge 3 ]] ||
	    fail "not populated:"$'\n'"$(dump)"
}

@test "nobody: shmput and shmcat of a 0666 segment from and to files, exact bytes, through the populated mapping" {
	need_nobody
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	# the shell opens the files as root; nobody uses the descriptors
	strace -f -qq -o "$TR" -e trace=openat,sendfile,madvise,read \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmput" "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" -
	assert_equal "$(ncalls '^sendfile\(.* = [1-9]')" 0
	assert_equal "$(ncalls 'madvise\(.*MADV_POPULATE_WRITE')" 3
	strace -f -qq -o "$TR" -e trace=madvise,write \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmcat" "$KEY" >"$T/out"
	cmp "$T/in" "$T/out"
	assert_equal "$(ncalls 'madvise\(.*MADV_POPULATE_READ')" 3
	assert_equal "$(returns '^write\(1, ')" "8388608 8388608 4195541"
}

@test "a kernel without MADV_POPULATE (EINVAL): the same bytes move, page fault by page fault" {
	head -c "$BIG" /dev/urandom >"$T/in"
	sysv_seg "$BIG"
	strace -f -qq -o "$TR" -e trace=madvise -e inject=madvise:error=EINVAL \
	    "${UNPRIV[@]}" shmput "$KEY" <"$T/in"
	calls 'MADV_POPULATE_WRITE.*EINVAL' | grep -q . || fail "$(dump)"
	shmcat "$KEY" | cmp "$T/in" -
	strace -f -qq -o "$TR" -e trace=madvise -e inject=madvise:error=EINVAL \
	    "${UNPRIV[@]}" shmcat "$KEY" >"$T/out"
	calls 'MADV_POPULATE_READ.*EINVAL' | grep -q . || fail "$(dump)"
	cmp "$T/in" "$T/out"
	strace -f -qq -o "$TR" -e trace=madvise -e inject=madvise:error=EINVAL \
	    "${UNPRIV[@]}" shmcat "$KEY" | cmp "$T/in" -
}

@test "from the populated mapping, the errors of writing: no space (exit 1, said), a reader gone (no message)" {
	sysv_seg "$BIG"
	run --separate-stderr bash -c '"$@" >/dev/full' _ \
	    "${UNPRIV[@]}" shmcat "$KEY"
	assert_equal "$status" 1
	assert_stderr_has "write error: No space left on device"
	# a reader that goes away after one byte, SIGPIPE ignored: EPIPE
	run --separate-stderr bash -c 'trap "" PIPE
	    "$@" | head -c 1; exit "${PIPESTATUS[0]}"' _ \
	    "${UNPRIV[@]}" shmcat "$KEY"
	assert_equal "$status" 1
	assert_output a
	assert_equal "$stderr" ""
	# and into a file a short write cannot end: all of it
	"${UNPRIV[@]}" shmcat "$KEY" >"$T/out"
	assert_equal "$(tr -d a <"$T/out" | wc -c) $(wc -c <"$T/out")" "0 $BIG"
}
