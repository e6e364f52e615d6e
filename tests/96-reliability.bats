#!/usr/bin/env bats
# 96-reliability.bats - the ways a careless or hostile caller could make
# the programs lose data, hang, or act on the wrong object: a memfd holder
# that swaps its descriptor, a FIFO with a peer waiting in open(), closed
# standard descriptors, a segment given as its own input, a racing
# writer, a process that maps an object while a bulk removal runs, and
# output that cannot be written.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1):
# they plant FIFOs in /dev/shm and count every segment there is.

load test_helper

setup() {
	require_hermetic
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_bg
	stop_clients
	cleanup_segments
}

# --- memfd:PID:FD: the descriptor is checked, not its path -------------------

@test "memfd:PID:FD whose holder swaps the descriptor never reaches the other file" {
	printf 'precious data\n' >"$T/victim"
	before=$(fingerprint "$T/victim")
	bg fd_swapper "$T/victim" "$T/ready"
	wait_for "$T/ready"
	read -r pid fd <"$T/ready"
	for i in $(seq 1 150); do
		shmput -d 'OVERWRITTEN' "memfd:$pid:$fd" 2>/dev/null || true
		shmresize "memfd:$pid:$fd" 64K >/dev/null 2>&1 || true
		shmcat "memfd:$pid:$fd" 2>/dev/null >>"$T/read" || true
	done
	after=$(fingerprint "$T/victim")
	assert_equal "$after" "$before"
	run grep -c precious "$T/read"
	assert_output 0
}

@test "memfd:PID:FD that is a regular file held open, not a memfd, is refused" {
	printf 'not a memfd\n' >"$T/plain"
	bg bash -c 'exec 7<"$1"; echo ready >"$2"; sleep 100' _ "$T/plain" "$T/ready"
	wait_for "$T/ready"
	run --separate-stderr -1 shmput -d X "memfd:$BG_PID:7"
	assert_stderr_has "not a memfd"
	run --separate-stderr -1 shmcat "memfd:$BG_PID:7"
	assert_output ""
	assert_equal "$(cat "$T/plain")" "not a memfd"
}

@test "a sealed memfd: the error names the seal" {
	MEMFD_SEALS=wg start_memfd sealed hello
	run --separate-stderr -1 shmput -d 'x' "$ADDR"
	assert_stderr_has "sealed by its holder (F_SEAL_WRITE"
	run --separate-stderr -1 shmresize "$ADDR" 8K
	assert_stderr_has "(F_SEAL_GROW)"
	client_sees
	assert_output hello
}

# --- a FIFO in /dev/shm: never opened -----------------------------------------

@test "a FIFO in /dev/shm: a writer waiting in open() is not released, its message not lost" {
	mkfifo -m 666 /dev/shm/fifo
	bg bash -c 'printf "the message" >/dev/shm/fifo'
	writer=$BG_PID
	for cmd in "shmcat /fifo" "shmput -d x /fifo" "shmresize /fifo 4K" \
	    "shmls /fifo" "shmrm /fifo" "shmmk --reuse -s 1K /fifo"; do
		# shellcheck disable=SC2086
		run timeout 5 $cmd
		(( status != 0 && status != 124 )) || fail "'$cmd' exited $status"
		kill -0 "$writer" 2>/dev/null ||
		    fail "'$cmd' released the writer waiting in open()"
	done
	[[ -p /dev/shm/fifo ]]
	run timeout 5 cat /dev/shm/fifo
	assert_output "the message"
}

@test "a FIFO in /dev/shm: a reader waiting in open() is not released" {
	mkfifo -m 666 /dev/shm/fifo
	bg bash -c 'cat /dev/shm/fifo >"$1"' _ "$T/got"
	reader=$BG_PID
	for cmd in "shmput -d x /fifo" "shmcat /fifo" "shmresize -f /fifo 0"; do
		# shellcheck disable=SC2086
		run timeout 5 $cmd
		(( status != 0 && status != 124 )) || fail "'$cmd' exited $status"
		sleep 0.1
		kill -0 "$reader" 2>/dev/null ||
		    fail "'$cmd' released the reader waiting in open()"
	done
	printf 'late\n' >/dev/shm/fifo
	wait "$reader"
	assert_equal "$(cat "$T/got")" late
}

# --- closed standard descriptors ----------------------------------------------

# closed FD CMD...: run CMD with descriptor FD closed, into $status,
# $output (stdout, unless FD is 1) and $stderr (unless FD is 2).
closed() {
	local fd=$1
	shift
	run --separate-stderr bash -c 'fd=$1; shift; exec {fd}>&-; exec "$@"' \
	    _ "$fd" "$@"
}

@test "stderr closed: an error message never lands in a file: segment" {
	printf 'ABCD' >"$T/f"
	closed 2 shmput -d 'far too long for four bytes' "file:$T/f"
	assert_equal "$status" 1
	closed 2 shmresize "file:$T/f" -100
	assert_equal "$status" 1
	closed 2 shmcat -o 99 "file:$T/f"
	assert_equal "$status" 1
	assert_equal "$(cat "$T/f")" ABCD
}

@test "stdin closed: shmput fails and the segment is not its own input" {
	printf 'ABCD' >"$T/f"
	closed 0 shmput "file:$T/f"
	assert_equal "$status" 1
	assert_stderr_has "cannot read standard input"
	assert_equal "$(cat "$T/f")" ABCD
	shmmk -s 4K /in >/dev/null
	shmput -d data /in
	closed 0 shmput -z /in
	assert_equal "$status" 1
	assert_equal "$(shmcat -s /in)" data
}

@test "stdout closed: shmcat fails with a write error and the segment is untouched" {
	printf 'ABCD' >"$T/f"
	closed 1 shmcat "file:$T/f"
	assert_equal "$status" 1
	assert_stderr_has "write error"
	assert_equal "$(cat "$T/f")" ABCD
}

@test "stdout closed: shmls gives the real reason, not a stale errno" {
	printf 'ABCD' >"$T/f"
	closed 1 shmls -o ADDRESS "file:$T/f"
	assert_equal "$status" 1
	assert_stderr_has "write error: Bad file descriptor"
	[[ $stderr != *"No such file"* ]] || fail "stale errno: $stderr"
}

# to_full CMD...: run CMD with stdout on /dev/full (bats's run would
# capture it instead).
to_full() {
	run --separate-stderr bash -c 'exec "$@" >/dev/full' _ "$@"
}

# --- input and output ---------------------------------------------------------

@test "shmput -i FIFO waits for the writer, as cat does; -z then keeps the input" {
	shmmk -s 4K /x >/dev/null
	shmput -d 'old contents' /x
	mkfifo "$T/fifo"
	bg bash -c 'sleep 0.5; printf new >"$1"' _ "$T/fifo"
	run -0 timeout 10 shmput -z -i "$T/fifo" /x
	assert_equal "$(shmcat -s /x)" new
}

@test "an object given as its own input is refused, not grown until /dev/shm is full" {
	shmmk -s 12K /self >/dev/null
	shmput -d 'data' /self
	run --separate-stderr timeout 20 shmput -g -o 12K /self </dev/shm/self
	assert_equal "$status" 1
	assert_stderr_has "the input is the segment itself"
	assert_equal "$(stat -c %s /dev/shm/self)" 12288
	run --separate-stderr timeout 20 shmput -i /dev/shm/self /self
	assert_equal "$status" 1
}

@test "shmput --grow never shrinks an object another writer grew meanwhile" {
	shmmk -s 4K /grown >/dev/null
	mkfifo "$T/fifo"
	bg bash -c 'exec shmput --grow -o 8K /grown <"$1"' _ "$T/fifo"
	putter=$BG_PID
	exec 4>"$T/fifo"
	# shmput has the object open with its old size; another writer grows it.
	sleep 0.3
	truncate -s 1M /dev/shm/grown
	printf '%4096s' tail >&4
	exec 4>&-
	wait "$putter"
	assert_equal "$(stat -c %s /dev/shm/grown)" 1048576
	run -0 shmput --grow -o 2K -d 'x' /grown
	assert_equal "$(stat -c %s /dev/shm/grown)" 1048576
}

@test "stdout full: shmcat says write error, not no space in /dev/shm" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	shmmk -s 64K /x >/dev/null
	key=$(new_key)
	shmmk -s 64K "$key" >/dev/null
	for a in /x "$key"; do
		to_full shmcat "$a"
		assert_equal "$status" 1
		assert_equal "$stderr" "shmcat: write error: No space left on device"
	done
}

@test "shmput: a read error on the input is named as one" {
	shmmk -s 4K /x >/dev/null
	mkdir "$T/dir"
	run --separate-stderr shmput -i "$T/dir" /x
	assert_equal "$status" 1
	assert_stderr_has "cannot read $T/dir"
	refute [ "$(echo "$stderr" | grep -c 'dev/shm')" -gt 0 ]
}

# --- shmmk: nothing half-made -------------------------------------------------

@test "shmmk: when the new ADDRESS cannot be printed, the segment is removed" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	key=$(new_key)
	for args in "-s 4K /made" "-s 4K $key" "-p -s 4K" "-s 4K file:$T/made"; do
		# shellcheck disable=SC2086
		to_full shmmk $args
		assert_equal "$status" 1
		assert_stderr_has "write error"
		# shellcheck disable=SC2086
		closed 1 shmmk $args
		assert_equal "$status" 1
	done
	assert_equal "$(sysv_count)" 0
	[[ ! -e /dev/shm/made && ! -e $T/made ]]
	assert_equal "$(devshm_count)" 0
	# An existing segment it only reused is not its to remove.
	shmmk -s 4K /kept >/dev/null
	to_full shmmk --reuse -s 1K /kept
	assert_equal "$status" 1
	[[ -e /dev/shm/kept ]]
}

# --- bulk removal looks again just before it removes -----------------------------

# held_run GOFILE OUTFILE CMD...: run CMD with its stdout on a pipe of one
# page that is read into OUTFILE only once GOFILE exists: until then CMD
# blocks when it has written a page or two.
held_run() {
	python3 -c '
import fcntl, os, shutil, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)		# F_SETPIPE_SZ: one page
p = subprocess.Popen(sys.argv[3:], stdout=w)
os.close(w)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.05)
with open(sys.argv[2], "wb") as out, os.fdopen(r, "rb") as inp:
    shutil.copyfileobj(inp, out)
sys.exit(p.wait())
' "$@"
}

# wait_still COUNTER FIRST: wait until the number COUNTER prints has gone
# down from FIRST (the removal has started) and then stops changing (above
# 1): the bulk removal is blocked on its stdout.
wait_still() {
	local first=$2 last=-1 now tries=300
	while (( tries-- > 0 )); do
		now=$("$1")
		(( now < first && now == last && now > 1 )) && return 0
		last=$now
		sleep 0.2
	done
	fail "the removal did not start, or did not stop"
}

# blocked_bulk_removal: 300 orphans with long names, and /zz-victim,
# removed by "shmrm --orphans -v" whose stdout is a pipe nobody reads
# until $T/go exists: shmrm blocks on it midway, before /zz-victim.
blocked_bulk_removal() {
	local pad i
	pad=$(printf '%080d' 0)
	for i in $(seq -w 1 300); do
		: >"/dev/shm/o-$i-$pad"
	done
	: >/dev/shm/zz-victim
	bg held_run "$T/go" "$T/removed" shmrm --orphans -v
	remover=$BG_PID
	wait_still devshm_count 301
	[[ -e /dev/shm/zz-victim ]] || fail "shmrm did not block before /zz-victim"
}

@test "bulk removal: an object mapped after the listing is kept" {
	blocked_bulk_removal
	start_posix /zz-victim 'mapped late' 4096
	touch "$T/go"
	wait "$remover"
	[[ -e /dev/shm/zz-victim ]] || fail "removed /zz-victim, which a process maps"
	client_sees
	assert_output 'mapped late'
	assert_equal "$(devshm_count)" 1
}

@test "bulk removal: a name that holds another object since the listing is kept" {
	blocked_bulk_removal
	rm /dev/shm/zz-victim
	printf 'someone else' >/dev/shm/zz-victim
	touch "$T/go"
	wait "$remover"
	[[ -e /dev/shm/zz-victim ]] || fail "removed the new /zz-victim it never listed"
	assert_equal "$(cat /dev/shm/zz-victim)" 'someone else'
}

@test "bulk removal: a System V segment attached after the listing is kept" {
	local i
	for i in $(seq 1 600); do
		shmmk -s 1K "$(printf '0x5e1%05x' "$i")" >/dev/null
	done
	victim=0x5effffff
	shmmk -s 4K "$victim" >/dev/null
	bg held_run "$T/go" "$T/removed" shmrm --orphans -v
	remover=$BG_PID
	wait_still sysv_count 601
	need_sysv_writer
	start_sysv "$victim" 'attached late'
	touch "$T/go"
	wait "$remover"
	run -0 shmls -rn -o ADDRESS "$victim"
	assert_output "$victim"
}

@test "shmrm: its summary on stderr comes after its rows on stdout in one pipe" {
	for i in 1 2 3; do
		shmmk -s 1K "/row$i" >/dev/null
	done
	# the dry run's table too, and the skip note of a non-root run
	run -0 bash -c 'shmrm -n --all 2>&1 | cat'
	assert_equal "${lines[0]}" "TYPE ADDRESS SIZE OWNER NATTCH"
	assert_equal "${#lines[@]}" 5
	assert_equal "${lines[4]%%,*}" "shmrm: would remove 3 segments"
	run -0 bash -c 'shmrm -v --all 2>&1 | cat'
	assert_equal "${lines[3]%%,*}" "shmrm: removed 3 segments"
}

@test "shmls: its notes on stderr come after its rows on stdout in one pipe" {
	shmmk -s 1K "/a name" >/dev/null
	run -0 bash -c 'shmls --posix -rn -o ADDRESS 2>&1 | cat'
	assert_equal "${lines[0]}" '/a\x20name'
	assert_equal "${lines[1]%%:*}" "shmls"
}
