#!/usr/bin/env bats
# 65-datapath.bats - the data paths of shmcat and shmput (src/lib/io.c):
# each kernel path (splice, copy_file_range, sendfile, vmsplice) and its
# plain read/write fallback moves exactly the right bytes, at the
# boundaries of -o and -n, and strace shows which path ran; and the data
# survives what shared memory does in real life: a segment shrunk or
# removed mid-read, a full /dev/shm, a reader that goes away, and every
# failure point of the System V resize protocol.

load test_helper

# These tests run the programs under strace, and LeakSanitizer cannot run
# under ptrace (a --enable-sanitizers build): leaks are checked elsewhere.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# 3 MiB and a bit: several chunks of every path (the pipe is 1 MiB, the
# fallback buffer 128 KiB), and not a multiple of the page size.
S=$(( 3 * 1048576 + 1237 ))
SYSCTLS="shmmax shmall shmmni"
# The system's python starts in milliseconds, a pyenv shim in a quarter
# of a second, and the socket helpers run it a hundred times.
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

setup_file() {
	local p
	if _in_private_namespace; then
		for p in $SYSCTLS; do
			sysctl -n "kernel.$p" >"$BATS_FILE_TMPDIR/$p"
		done
	fi
}

setup() {
	command -v strace >/dev/null || skip "strace is not installed"
	T=$BATS_TEST_TMPDIR
	TR=$T/trace
	# Objects, unique outside the private namespace; OUTOBJ and INOBJ
	# are plain files in /dev/shm, the same filesystem as the objects.
	X=$(new_name) Y=$(new_name) Z=$(new_name) G=$(new_name)
	OUTOBJ=/dev/shm$(new_name) INOBJ=/dev/shm$(new_name)
}

teardown() {
	local p
	if _in_private_namespace; then
		for p in $SYSCTLS; do
			[[ -f $BATS_FILE_TMPDIR/$p ]] &&
			    sysctl -q -w "kernel.$p=$(cat "$BATS_FILE_TMPDIR/$p")"
		done
		if [[ -f $T/remounted ]]; then
			cleanup_segments
			mount -o "remount,size=$SHMT_SHM_SIZE" /dev/shm
		fi
	fi
	if [[ -f $T/ro-mounted ]]; then
		umount "$T/ro"
	fi
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

# traced CMD...: run CMD under strace, the calls of the data paths into $TR.
traced() {
	strace -f -qq -o "$TR" -e \
	    trace=splice,vmsplice,copy_file_range,sendfile,pread64,pwrite64,read,write \
	    "$@"
}

# _trace_grep CALL ARGS: lines of $TR where CALL, with arguments starting
# as the extended regex ARGS says, moved bytes (returned more than 0).
_trace_grep() {
	grep -E "^([0-9]+ +)?($1)\\($2.*\\) += [1-9][0-9]*\$" "$TR"
}

_trace_dump() {
	grep -Ev 'ELF|pread64\([0-9]+, .*, 784, 64\)' "$TR" | head -30
}

# trace_has CALL ARGS: the trace shows CALL moving bytes.
trace_has() {
	_trace_grep "$1" "$2" >/dev/null ||
	    fail "no $1($2...) that moved bytes; the trace:"$'\n'"$(_trace_dump)"
}

# trace_lacks CALL ARGS: the trace never shows CALL moving bytes.
trace_lacks() {
	! _trace_grep "$1" "$2" >/dev/null ||
	    fail "$1($2...) moved bytes; the trace:"$'\n'"$(_trace_dump)"
}

# trace_count CALL ARGS: how many calls moved bytes.
trace_count() {
	_trace_grep "$1" "$2" | wc -l
}

# Arguments that name the standard descriptors: splice and sendfile into
# fd 1, splice or copy_file_range from fd 0, and so on.
TO_OUT_SPLICE='[0-9]+, \[[0-9]+\], 1, NULL, '
TO_OUT_CFR='[0-9]+, \[[0-9]+\], 1, NULL, '
TO_OUT_SENDFILE='1, [0-9]+, '
FROM_IN='0, NULL, '

# data FILE [SIZE]: SIZE (default $S) random bytes with no NUL in them, so
# that -s reads them all too.
data() {
	head -c "${2:-$S}" /dev/urandom | tr '\0' '\1' >"$1"
}

# posix_with NAME FILE: a POSIX object holding FILE, written without shmput.
posix_with() {
	cp -- "$2" "/dev/shm$1"
}

# sysv_with FILE: a new System V segment holding FILE; its key in $KEY.
sysv_with() {
	KEY=$(new_key)
	shmmk -s "$(stat -c %s "$1")" "$KEY" >/dev/null
	shmput -i "$1" "$KEY"
}

# range FILE OFF [LEN]: the bytes [OFF, OFF+LEN) of FILE on stdout.
range() {
	if [[ -n ${3:-} ]]; then
		tail -c "+$(( $2 + 1 ))" "$1" | head -c "$3"
	else
		tail -c "+$(( $2 + 1 ))" "$1"
	fi
}

# sock_out OUTFILE CMD...: run CMD with its stdout a Unix stream socket;
# what comes out of the socket goes to OUTFILE.  Exit status: CMD's.
sock_out() {
	"$PY" -S - "$@" <<-'EOF'
	import socket, subprocess, sys
	out = open(sys.argv[1], "wb")
	a, b = socket.socketpair()
	p = subprocess.Popen(sys.argv[2:], stdout=a)
	a.close()
	while True:
	    d = b.recv(1 << 20)
	    if not d:
	        break
	    out.write(d)
	r = p.wait()
	sys.exit(r if r >= 0 else 128 - r)
	EOF
}

# sock_in INFILE CMD...: run CMD with its stdin a Unix stream socket that
# carries INFILE, then end of input.  Exit status: CMD's.
sock_in() {
	"$PY" -S - "$@" <<-'EOF'
	import socket, subprocess, sys
	data = open(sys.argv[1], "rb").read()
	a, b = socket.socketpair()
	p = subprocess.Popen(sys.argv[2:], stdin=a)
	a.close()
	b.sendall(data)
	b.shutdown(socket.SHUT_WR)
	r = p.wait()
	sys.exit(r if r >= 0 else 128 - r)
	EOF
}

# shmcat_via PATH OUT ARGS...: shmcat ARGS with its output through PATH
# (pipe, file, samefs, append, socket, string), the bytes into OUT.
shmcat_via() {
	local path=$1 out=$2
	shift 2
	case $path in
	pipe)	shmcat "$@" | cat >"$out"
		return "${PIPESTATUS[0]}" ;;
	file)	shmcat "$@" >"$out" ;;
	samefs)	shmcat "$@" >"$OUTOBJ" && mv "$OUTOBJ" "$out" ;;
	append)	printf 'head' >"$out.a" && shmcat "$@" >>"$out.a" &&
		[[ $(head -c 4 "$out.a") == head ]] &&
		tail -c +5 "$out.a" >"$out" ;;
	socket)	sock_out "$out" shmcat "$@" ;;
	string)	shmcat -s "$@" | cat >"$out"
		return "${PIPESTATUS[0]}" ;;
	esac
}

# check_ranges PATH ADDRESS FILE: through PATH, every -o/-n at the
# boundaries gives exactly the bytes of FILE it should.
check_ranges() {
	local path=$1 a=$2 f=$3 size o n
	size=$(stat -c %s "$f")
	# OFFSET:LENGTH, empty LENGTH for "to the end"
	for on in 0: 1: $(( size - 1 )): "$size": 0:1 0:"$size" \
	    0:$(( size + 1 )) 4095:2 4097:1048579 1048575:1048577 \
	    $(( size - 5000 )):4999 131071:131073; do
		o=${on%%:*} n=${on#*:}
		if [[ -n $n ]]; then
			shmcat_via "$path" "$T/out" -o "$o" -n "$n" "$a" ||
			    fail "$path -o $o -n $n: exit $?"
		else
			shmcat_via "$path" "$T/out" -o "$o" "$a" ||
			    fail "$path -o $o: exit $?"
		fi
		range "$f" "$o" "$n" >"$T/expected"
		cmp "$T/expected" "$T/out" ||
		    fail "$path -o $o -n ${n:-(rest)}: wrong bytes"
	done
}

# --- shmcat: which path runs, exact bytes --------------------------------

@test "shmcat POSIX to a pipe: splice, exact bytes (random data with NULs)" {
	head -c "$S" /dev/urandom >"$T/in"
	posix_with "$X" "$T/in"
	traced shmcat "$X" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_has splice "$TO_OUT_SPLICE"
	trace_lacks write '1, '
}

@test "shmcat file: and memfd: to a pipe: splice too" {
	data "$T/in"
	cp "$T/in" "$T/seg"
	traced shmcat "file:$T/seg" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_has splice "$TO_OUT_SPLICE"

	start_client PID memfd_holder shmt-dp "$S" x "$T/ready" "$T/echo"
	wait_for "$T/ready"
	read -r pid fd <"$T/ready"
	shmput -i "$T/in" "memfd:$pid:$fd"
	traced shmcat "memfd:$pid:$fd" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_has splice "$TO_OUT_SPLICE"
}

@test "shmcat POSIX to a regular file on the same filesystem: copy_file_range" {
	data "$T/in"
	posix_with "$X" "$T/in"
	traced shmcat "$X" >"$OUTOBJ"
	cmp "$T/in" "$OUTOBJ"
	trace_has copy_file_range "$TO_OUT_CFR"
	trace_lacks 'write|sendfile' '1, '
}

@test "shmcat POSIX to a regular file elsewhere: copy_file_range or sendfile" {
	data "$T/in"
	posix_with "$X" "$T/in"
	traced shmcat "$X" >"$T/out"
	cmp "$T/in" "$T/out"
	trace_has 'copy_file_range|sendfile' '([0-9]+, \[[0-9]+\], 1, NULL|1, [0-9]+), '
	trace_lacks write '1, '
}

@test "shmcat POSIX to an O_APPEND file (>>): falls back to pread+write, appends" {
	data "$T/in"
	posix_with "$X" "$T/in"
	printf 'before\n' >"$T/out"
	traced shmcat "$X" >>"$T/out"
	cmp <(printf 'before\n'; cat "$T/in") "$T/out"
	trace_lacks 'splice|copy_file_range|sendfile' ''
	trace_has pread64 '[0-9]+, .*, [0-9]+, '
	trace_has write '1, '
	# twice: the second lands after the first, not over it
	shmcat -o 10 -n 5 "$X" >>"$T/out"
	cmp <(printf 'before\n'; cat "$T/in"; range "$T/in" 10 5) "$T/out"
}

@test "shmcat POSIX to /dev/null and to a socket: sendfile" {
	data "$T/in"
	posix_with "$X" "$T/in"
	traced shmcat "$X" >/dev/null
	trace_has sendfile "$TO_OUT_SENDFILE"
	trace_lacks write '1, '
	sock_out "$T/out" strace -f -qq -o "$TR" -e trace=sendfile,write \
	    shmcat "$X"
	cmp "$T/in" "$T/out"
	trace_has sendfile "$TO_OUT_SENDFILE"
	trace_lacks write '1, '
}

@test "shmcat -s: pread+write, to a pipe and to a file, stops at the NUL" {
	data "$T/in"
	posix_with "$X" "$T/in"
	traced shmcat -s "$X" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_lacks 'splice|copy_file_range|sendfile' ''
	trace_has pread64 '[0-9]+, .*, [0-9]+, '
	traced shmcat -s "$X" >"$T/out"
	cmp "$T/in" "$T/out"
	trace_lacks 'splice|copy_file_range|sendfile' ''
	# a NUL in the third 128 KiB chunk
	printf '\0' | shmput -o 300001 "$X"
	shmcat -s "$X" >"$T/out"
	cmp <(head -c 300001 "$T/in") "$T/out"
}

# Without CAP_SYS_ADMIN and CAP_CHECKPOINT_RESTORE, /proc/self/map_files
# is closed to shmcat, and a System V segment moves from its mapping.
UNPRIV=(setpriv --bounding-set=-sys_admin,-checkpoint_restore)

@test "shmcat System V to a pipe: splice from its pages as root, else vmsplice" {
	head -c "$S" /dev/urandom >"$T/in"
	sysv_with "$T/in"
	traced shmcat "$KEY" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_has splice '[0-9]+, \[0\], 1, '
	trace_lacks 'vmsplice|write' '1, '
	traced "${UNPRIV[@]}" shmcat "$KEY" | cat >"$T/out"
	assert_equal "${PIPESTATUS[*]}" "0 0"
	cmp "$T/in" "$T/out"
	trace_has vmsplice '1, '
	trace_lacks 'write|splice' '1, '
}

@test "shmcat System V to a file: copied in the kernel as root, else one write" {
	head -c "$S" /dev/urandom >"$T/in"
	sysv_with "$T/in"
	traced shmcat "$KEY" >"$T/out"
	cmp "$T/in" "$T/out"
	trace_has 'copy_file_range|sendfile' '[0-9]+, '
	traced "${UNPRIV[@]}" shmcat "$KEY" >"$T/out"
	cmp "$T/in" "$T/out"
	trace_lacks 'vmsplice|sendfile|copy_file_range|splice' ''
	assert_equal "$(trace_count write '1, ')" 1
	traced "${UNPRIV[@]}" shmcat "$KEY" >>"$T/out"
	cmp <(cat "$T/in" "$T/in") "$T/out"
}

# --- shmcat: -o and -n at the boundaries, through every path --------------

@test "shmcat -o/-n at the boundaries: POSIX through splice, sendfile, copy_file_range" {
	data "$T/in"
	posix_with "$X" "$T/in"
	check_ranges pipe "$X" "$T/in"
	check_ranges file "$X" "$T/in"
	check_ranges samefs "$X" "$T/in"
}

@test "shmcat -o/-n at the boundaries: POSIX through the fallbacks (>>, -s) and a socket" {
	data "$T/in"
	posix_with "$X" "$T/in"
	check_ranges append "$X" "$T/in"
	check_ranges string "$X" "$T/in"
	check_ranges socket "$X" "$T/in"
}

@test "shmcat -o/-n at the boundaries: System V through vmsplice, write and -s" {
	data "$T/in"
	sysv_with "$T/in"
	check_ranges pipe "$KEY" "$T/in"
	check_ranges file "$KEY" "$T/in"
	check_ranges string "$KEY" "$T/in"
}

@test "shmcat -o past the end exits 1 on every path and writes nothing" {
	data "$T/in" 5000
	posix_with "$X" "$T/in"
	sysv_with "$T/in"
	for a in "$X" "$KEY"; do
		for path in pipe file append string; do
			rm -f "$T/out"
			run shmcat_via "$path" "$T/out" -o 5001 "$a"
			assert_equal "$status" 1
			[[ ! -s $T/out ]] || fail "$path $a: wrote something"
		done
	done
}

# --- shmput: which path runs, exact bytes ---------------------------------

# splice from a pipe into tmpfs measured slower than reads of a 1 MiB pipe
# into a 1 MiB buffer and pwrite (bench/data.sh), so shmput reads.
@test "shmput pipe to POSIX: read+pwrite in 1 MiB pieces, exact bytes" {
	head -c "$S" /dev/urandom >"$T/in"
	shmmk -s "$S" "$X"
	cat "$T/in" | traced shmput "$X"
	cmp "$T/in" "/dev/shm$X"
	trace_has read '0, '
	trace_has pwrite64 ''
	trace_lacks splice ''
}

@test "shmput file to POSIX: copy_file_range (same filesystem) or sendfile" {
	data "$T/in"
	cp "$T/in" "$INOBJ"
	shmmk -s "$S" "$X"
	traced shmput "$X" <"$INOBJ"
	cmp "$T/in" "/dev/shm$X"
	trace_has copy_file_range "$FROM_IN"
	trace_lacks read '0, '
	trace_lacks pwrite64 ''
	# from another filesystem: copy_file_range or sendfile, no copy
	shmmk -s "$S" "$Y"
	traced shmput "$Y" <"$T/in"
	cmp "$T/in" "/dev/shm$Y"
	trace_has 'copy_file_range|sendfile' '(0, NULL|[0-9]+, 0, NULL), '
	trace_lacks 'read' '0, '
	# -i FILE takes the same path
	shmmk -s "$S" "$Z"
	traced shmput -i "$INOBJ" "$Z"
	cmp "$T/in" "/dev/shm$Z"
	trace_has copy_file_range '[0-9]+, NULL, '
}

@test "shmput from a socket to POSIX: the read+pwrite fallback" {
	data "$T/in"
	shmmk -s "$S" "$X"
	sock_in "$T/in" strace -f -qq -o "$TR" -e \
	    trace=splice,copy_file_range,sendfile,read,pwrite64 shmput "$X"
	cmp "$T/in" "/dev/shm$X"
	trace_lacks 'splice|copy_file_range|sendfile' ''
	trace_has read '0, '
	trace_has pwrite64 ''
}

@test "shmput file and pipe to System V: a file through its pages as root, else read straight into the mapping" {
	head -c "$S" /dev/urandom >"$T/in"
	KEY=$(new_key)
	shmmk -s "$S" "$KEY"
	# root: sendfile into a descriptor of the segment's pages
	traced shmput "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" -
	trace_has sendfile '[0-9]+, 0, NULL, '
	trace_lacks 'read|splice|pwrite64' '0, '
	# without map_files: read into the mapping
	head -c "$S" /dev/urandom >"$T/in"
	traced "${UNPRIV[@]}" shmput "$KEY" <"$T/in"
	shmcat "$KEY" | cmp "$T/in" -
	trace_has read '0, '
	trace_lacks 'splice|copy_file_range|sendfile|pwrite64' ''
	head -c "$S" /dev/urandom >"$T/in2"
	cat "$T/in2" | traced shmput "$KEY"
	shmcat "$KEY" | cmp "$T/in2" -
	trace_has read '0, '
	trace_lacks 'splice|copy_file_range|sendfile|pwrite64' ''
}

# A System V mapping has no fault-around: a read or write that touches
# it faults one page at a time.  Each piece is populated in one madvise
# first (MADV_POPULATE_READ before it moves out, _WRITE before input is
# read into it; Linux 5.14, refused with EINVAL before), and written out
# in pieces of 8 MiB, not in one write of the whole segment (issue 20).
@test "System V data is populated before it moves: MADV_POPULATE_READ before each 8 MiB written, _WRITE before input is read in" {
	local big=$(( 20 * 1048576 + 1237 )) w
	head -c "$big" /dev/urandom >"$T/in"
	KEY=$(new_key)
	shmmk -s "$big" "$KEY" >/dev/null
	strace -f -qq -o "$TR" -e trace=madvise,read "${UNPRIV[@]}" \
	    shmput "$KEY" <"$T/in"
	grep -Eq '^([0-9]+ +)?madvise\(.*MADV_POPULATE_WRITE\)' "$TR" ||
	    fail "no MADV_POPULATE_WRITE: $(grep madvise "$TR")"
	shmcat "$KEY" | cmp "$T/in" -
	head -c "$big" /dev/urandom >"$T/in2"
	cat "$T/in2" | strace -f -qq -o "$TR" -e trace=madvise shmput "$KEY"
	grep -Eq '^([0-9]+ +)?madvise\(.*MADV_POPULATE_WRITE\)' "$TR" ||
	    fail "no MADV_POPULATE_WRITE from a pipe: $(grep madvise "$TR")"
	shmcat "$KEY" | cmp "$T/in2" -
	# without map_files: from the mapping, populated piece by piece
	strace -f -qq -o "$TR" -e trace=madvise,write "${UNPRIV[@]}" \
	    shmcat "$KEY" >"$T/out"
	cmp "$T/in2" "$T/out"
	assert_equal "$(grep -Ec 'madvise\(.*MADV_POPULATE_READ\)' "$TR")" 3
	w=$(grep -E '^([0-9]+ +)?write\(1, ' "$TR" | sed 's/.* = //')
	assert_equal "$(echo $w)" "8388608 8388608 4195541"
	# to a pipe, the same pieces through vmsplice
	strace -f -qq -o "$TR" -e trace=madvise "${UNPRIV[@]}" \
	    shmcat "$KEY" | cmp "$T/in2" -
	assert_equal "$(grep -Ec 'madvise\(.*MADV_POPULATE_READ\)' "$TR")" 3
	# -s stops at the first NUL of a later piece
	{ head -c 9000000 "$T/in2" | tr '\0' '\1'; printf '\0rest'; } >"$T/s"
	shmput "$KEY" <"$T/s"
	"${UNPRIV[@]}" shmcat -s "$KEY" | cmp <(head -c 9000000 "$T/in2" | tr '\0' '\1') -
}

# --- shmput: offsets and lengths at the boundaries ---------------------------

# put_via PATH ADDRESS INPUT ARGS...: shmput ARGS ADDRESS with INPUT
# through PATH: pipe (splice), samefs (copy_file_range), file (sendfile),
# socket (read+pwrite).
put_via() {
	local path=$1 a=$2 in=$3
	shift 3
	case $path in
	pipe)	cat "$in" | shmput "$@" "$a"
		return "${PIPESTATUS[1]}" ;;
	samefs)	cp "$in" "$INOBJ" && shmput "$@" "$a" <"$INOBJ"
		local r=$?
		rm -f "$INOBJ"
		return "$r" ;;
	file)	shmput "$@" "$a" <"$in" ;;
	socket)	sock_in "$in" shmput "$@" "$a" ;;
	esac
}

# seg_bytes ADDRESS: the segment's bytes on stdout.
seg_bytes() {
	case $1 in
	/*) cat "/dev/shm$1" ;;
	*)  shmcat "$1" ;;
	esac
}

# check_puts PATH ADDRESS: at the boundaries of the segment, the input
# lands exactly at -o and nothing else changes.
check_puts() {
	local path=$1 a=$2 size o n
	size=$(seg_bytes "$a" | wc -c)
	for on in 0:"$size" 0:1 1:$(( size - 1 )) $(( size - 1 )):1 \
	    "$size":0 4097:1048579 1048575:1048577 131071:5 \
	    $(( size - 4097 )):4097; do
		o=${on%%:*} n=${on#*:}
		seg_bytes "$a" >"$T/before"
		data "$T/piece" "$n"
		put_via "$path" "$a" "$T/piece" -o "$o" ||
		    fail "$path -o $o, $n bytes: exit $?"
		{
			head -c "$o" "$T/before"
			cat "$T/piece"
			tail -c "+$(( o + n + 1 ))" "$T/before"
		} >"$T/expected"
		seg_bytes "$a" | cmp "$T/expected" - ||
		    fail "$path -o $o, $n bytes: wrong bytes"
	done
}

@test "shmput -o at the boundaries: POSIX through splice, copy_file_range, sendfile, read" {
	shmmk -s "$S" "$X"
	for path in pipe samefs file socket; do
		check_puts "$path" "$X"
	done
}

@test "shmput -o at the boundaries: System V from a pipe and a file" {
	data "$T/in"
	sysv_with "$T/in"
	check_puts pipe "$KEY"
	check_puts file "$KEY"
}

@test "streamed input larger than the object through splice: exactly the prefix that fits, exit 1" {
	shmmk -s 1048577 "$X"
	head -c "$S" /dev/urandom >"$T/in"
	run --separate-stderr bash -c 'cat "$1" | shmput -o 1 "$2"' _ "$T/in" "$X"
	assert_equal "$status" 1
	assert_stderr_has "the first 1048576 bytes were written at offset 1"
	assert_equal "$(stat -c %s "/dev/shm$X")" 1048577
	cmp <(printf '\0'; head -c 1048576 "$T/in") "/dev/shm$X"
}

@test "--grow from a pipe: size is offset + input, the gap zeros" {
	printf 'original' >"/dev/shm$G"
	data "$T/in"
	cat "$T/in" | traced shmput --grow -o 5001 "$G"
	trace_has pwrite64 
	assert_equal "$(stat -c %s "/dev/shm$G")" $(( 5001 + S ))
	cmp <(printf 'original'; head -c $(( 5001 - 8 )) /dev/zero; cat "$T/in") \
	    "/dev/shm$G"
	# again, over the end: part inside, part beyond
	cat "$T/in" | shmput --grow -o $(( S + 1 )) "$G"
	assert_equal "$(stat -c %s "/dev/shm$G")" $(( 2 * S + 1 ))
	cmp <(printf 'original'; head -c $(( 5001 - 8 )) /dev/zero
	    head -c $(( S + 1 - 5001 )) "$T/in"; cat "$T/in") "/dev/shm$G"
}

@test "--grow through copy_file_range: size is offset + input, the gap zeros" {
	printf 'original' >"/dev/shm$G"
	data "$T/in"
	cp "$T/in" "$INOBJ"
	traced shmput --grow -o 4097 "$G" <"$INOBJ"
	trace_has copy_file_range "$FROM_IN"
	assert_equal "$(stat -c %s "/dev/shm$G")" $(( 4097 + S ))
	cmp <(printf 'original'; head -c $(( 4097 - 8 )) /dev/zero; cat "$T/in") \
	    "/dev/shm$G"
}

# --- the segment changes under shmcat ----------------------------------------

# shrink_while_reading ARGS...: shmcat ARGS $X into a pipe whose reader
# takes 4 KiB, shrinks $X to 4K, then drains.  Sets status, stderr, and
# $T/r.got (what came through).  shmresize needs -f: shmcat holds $X.
shrink_while_reading() {
	run --separate-stderr bash -c '
	    x=$1
	    shift
	    shmcat "$@" "$x" 2>"$0.err" | {
		dd bs=4k count=1 status=none
		shmresize -f "$x" 4K >/dev/null 2>"$0.rs" || echo $? >>"$0.rs"
		cat
	    } >"$0.got"
	    exit "${PIPESTATUS[0]}"' "$T/r" "$X" "$@"
	stderr=$(cat "$T/r.err")
	[[ ! -s $T/r.rs ]] || fail "shmresize -f failed: $(cat "$T/r.rs")"
	assert_equal "$(stat -c %s "/dev/shm$X")" 4096
}

@test "a POSIX object shrunk while shmcat splices it: exit 1, 'shrank', no SIGBUS" {
	shmmk -s 32M "$X"
	head -c 32M /dev/urandom >"$T/in"
	shmput "$X" <"$T/in"
	shrink_while_reading
	assert_equal "$status" 1	# not 135 (SIGBUS)
	assert_stderr_has "shmcat: $X: segment shrank while being read"
	# what came through is a prefix of the data
	n=$(stat -c %s "$T/r.got")
	(( n >= 4096 && n < 32 * 1048576 ))
	cmp <(head -c "$n" "$T/in") "$T/r.got"
}

@test "a POSIX object shrunk while shmcat -s preads it: exit 1, 'shrank', no SIGBUS" {
	shmmk -s 32M "$X"
	head -c 32M /dev/zero | tr '\0' z | shmput "$X"
	shrink_while_reading -s
	assert_equal "$status" 1
	assert_stderr_has "shmcat: $X: segment shrank while being read"
	n=$(stat -c %s "$T/r.got")
	(( n >= 4096 && n < 32 * 1048576 ))
	[[ -z $(tr -d z <"$T/r.got") ]]
}

# Removal: a POSIX object lives while a descriptor holds it, and a System
# V segment while it is attached; shmcat holds both, so it completes.
@test "a POSIX object removed while shmcat reads it: shmcat completes, exit 0" {
	shmmk -s 32M "$X"
	head -c 32M /dev/urandom >"$T/in"
	shmput "$X" <"$T/in"
	run --separate-stderr bash -c '
	    shmcat "$1" | { dd bs=4k count=1 status=none; shmrm "$1"; cat; } >"$0"
	    exit "${PIPESTATUS[0]}"' "$T/got" "$X"
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	cmp "$T/in" "$T/got"
	[[ ! -e "/dev/shm$X" ]]
}

@test "a System V segment removed while shmcat reads it: shmcat completes, exit 0" {
	head -c 32M /dev/urandom >"$T/in"
	sysv_with "$T/in"
	run --separate-stderr bash -c '
	    shmcat "$1" | {
		dd bs=4k count=1 status=none; shmrm "$1" 2>"$0.rm"; cat
	    } >"$0"
	    exit "${PIPESTATUS[0]}"' "$T/got" "$KEY"
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	cmp "$T/in" "$T/got"
	assert_gone "$KEY"
}

# --- a full /dev/shm -------------------------------------------------------------

# shrink_devshm SIZE: remount the private /dev/shm at SIZE; teardown
# empties it and remounts it at $SHMT_SHM_SIZE.
shrink_devshm() {
	: >"$T/remounted"
	cleanup_segments
	mount -o "remount,size=$1" /dev/shm
}

@test "a full /dev/shm: shmmk is sparse; shmput fails with 'no space', exit 1, no SIGBUS" {
	skip_unless_hermetic "remounts /dev/shm"
	shrink_devshm 1m
	run --separate-stderr -0 shmmk -s 4M /big
	assert_equal "$(stat -c %s /dev/shm/big)" 4194304
	# through splice
	run --separate-stderr bash -c 'head -c 4M /dev/urandom | shmput /big'
	assert_equal "$status" 1
	assert_stderr_has "shmput: /big: no space left in /dev/shm (size 1.0M"
	# through copy_file_range / sendfile
	head -c 4M /dev/urandom >"$T/in"
	run --separate-stderr shmput -i "$T/in" /big
	assert_equal "$status" 1
	assert_stderr_has "shmput: /big: no space left in /dev/shm (size 1.0M"
	# through read+pwrite
	run --separate-stderr sock_in "$T/in" shmput /big
	assert_equal "$status" 1
	assert_stderr_has "shmput: /big: no space left in /dev/shm (size 1.0M"
	# System V memory is not /dev/shm's
	key=$(new_key)
	shmmk -s 4M "$key"
	shmput -i "$T/in" "$key"
}

@test "a full /dev/shm: shmmk --reserve fails, exit 1, and leaves nothing behind" {
	skip_unless_hermetic "remounts /dev/shm"
	shrink_devshm 1m
	run --separate-stderr shmmk --reserve -s 4M /r
	assert_equal "$status" 1
	assert_output ""
	assert_stderr_has "shmmk: /r: no space left in /dev/shm (size 1.0M"
	[[ ! -e /dev/shm/r ]]
	run -0 shmmk --reserve -s 512K /r
	assert_equal "$(du -k /dev/shm/r | cut -f1)" 512
}

@test "a full /dev/shm: shmput --grow past the space fails cleanly (pipe and file)" {
	skip_unless_hermetic "remounts /dev/shm"
	shrink_devshm 1m
	head -c 2M /dev/urandom >"$T/in"
	shmmk /g
	run --separate-stderr bash -c 'cat "$1" | shmput --grow /g' _ "$T/in"
	assert_equal "$status" 1
	assert_stderr_has "shmput: /g: no space left in /dev/shm (size 1.0M"
	run --separate-stderr shmput --grow /g <"$T/in"
	assert_equal "$status" 1
	assert_stderr_has "shmput: /g: no space left in /dev/shm (size 1.0M"
	run --separate-stderr shmput --grow -o 1M -i "$T/in" /g
	assert_equal "$status" 1
	assert_stderr_has "shmput: /g: no space left in /dev/shm (size 1.0M"
	# and the space is there for what fits
	rm -f /dev/shm/g
	shmmk /x
	head -c 512K "$T/in" | shmput --grow /x
	cmp <(head -c 512K "$T/in") /dev/shm/x
}

# --- a reader that goes away ---------------------------------------------------------

# closed_pipe ARGS...: shmcat ARGS | head -c 10, with pipefail: sets
# status, output and stderr.
closed_pipe() {
	run --separate-stderr bash -c 'set -o pipefail; "$@" | head -c 10' _ "$@"
}

@test "shmcat | head -c 10: 10 bytes, no message, the same status as cat (POSIX, -s, System V)" {
	shmmk -s 32M "$X"
	head -c 32M /dev/zero | tr '\0' z | shmput "$X"
	closed_pipe cat "/dev/shm$X"
	cat_status=$status
	assert_output zzzzzzzzzz
	for opts in "" "-s" "-o 1 -n 30M"; do
		# shellcheck disable=SC2086
		closed_pipe shmcat $opts "$X"
		assert_equal "$status" "$cat_status"
		assert_output zzzzzzzzzz
		assert_equal "$stderr" ""
	done
	key=$(new_key)
	shmmk -s 32M "$key"
	shmput -i "/dev/shm$X" "$key"
	closed_pipe shmcat "$key"
	assert_equal "$status" "$cat_status"
	assert_output zzzzzzzzzz
	assert_equal "$stderr" ""
}

# --- System V resize: every failure point -------------------------------------------

# sysv_64k: a 64 KiB keyed segment, mode 640, random data in $T/data;
# KEY, ID.
sysv_64k() {
	head -c 64K /dev/urandom >"$T/data"
	KEY=$(new_key)
	shmmk -m 640 -s 64K "$KEY" >/dev/null
	shmput -i "$T/data" "$KEY"
	ID=$(sysv_id "$KEY")
	mkdir -p "$T/tmp"
}

PAGE=$(getconf PAGESIZE)

@test "System V resize (a): kernel.shmmax below the new size: exit 1, same id, same data" {
	skip_unless_hermetic "changes kernel.shmmax"
	sysv_64k
	sysctl -q -w kernel.shmmax=100000
	run --separate-stderr env TMPDIR="$T/tmp" shmresize "$KEY" 128K
	assert_equal "$status" 1
	assert_output ""
	assert_stderr_has "kernel.shmmax"
	assert_equal "$(sysv_id "$KEY")" "$ID"
	assert_equal "$(sysv_field "$KEY" size)" 65536
	shmcat "$KEY" | cmp "$T/data" -
	assert_equal "$(sysv_count)" 1
	assert_equal "$(ls -A "$T/tmp")" ""
}

@test "System V resize (b): kernel.shmmni full: resized through the saved file, key and data kept" {
	skip_unless_hermetic "changes kernel.shmmni"
	sysv_64k
	other=$(new_key)
	shmmk -s 4K "$other" >/dev/null
	sysctl -q -w kernel.shmmni="$(sysv_count)"
	run --separate-stderr -0 env TMPDIR="$T/tmp" shmresize "$KEY" 128K
	assert_output "$KEY"
	assert_equal "$stderr" ""
	assert_equal "$(sysv_field "$KEY" size)" 131072
	[[ $(sysv_id "$KEY") != "$ID" ]]
	shmcat -n 64K "$KEY" | cmp "$T/data" -
	shmcat -o 64K "$KEY" | cmp <(head -c 64K /dev/zero) -
	assert_equal "$(sysv_count)" 2
	assert_equal "$(ls -A "$T/tmp")" ""
	# and a shrink the same way
	run --separate-stderr -0 env TMPDIR="$T/tmp" shmresize "$KEY" 10000
	shmcat "$KEY" | cmp <(head -c 10000 "$T/data") -
}

@test "System V resize (c): TMPDIR missing or read-only: exit 1 before anything changes" {
	skip_unless_hermetic "mounts a read-only tmpfs"
	sysv_64k
	mkdir "$T/ro"
	mount -t tmpfs -o ro,size=1m shmt-ro "$T/ro"
	: >"$T/ro-mounted"
	for dir in "$T/missing" "$T/ro"; do
		run --separate-stderr env TMPDIR="$dir" shmresize "$KEY" 128K
		assert_equal "$status" 1
		assert_output ""
		assert_stderr_has "shmresize: $KEY: "
		assert_stderr_has "cannot save the data in $dir"
		assert_stderr_has "nothing changed"
		assert_equal "$(sysv_id "$KEY")" "$ID"
		assert_equal "$(sysv_field "$KEY" size)" 65536
		shmcat "$KEY" | cmp "$T/data" -
		assert_equal "$(sysv_count)" 1
	done
}

@test "System V resize (c'): a TMPDIR that cannot be written is named as the reason" {
	skip_unless_hermetic "mounts nothing, but see (c)"
	sysv_64k
	run --separate-stderr env TMPDIR="$T/missing" shmresize "$KEY" 128K
	assert_equal "$status" 1
	[[ $stderr != *"no such segment"* ]] || fail "stderr: $stderr"
	assert_stderr_has "$T/missing"
	assert_stderr_has "nothing changed"
	shmcat "$KEY" | cmp "$T/data" -
}

@test "System V resize (d): kernel.shmall fits the old size, not the new: exit 1, restored under the key" {
	skip_unless_hermetic "changes kernel.shmall"
	sysv_64k
	# 64 KiB fits, 128 KiB does not, even alone
	sysctl -q -w kernel.shmall=$(( (65536 + 32768) / PAGE ))
	run --separate-stderr env TMPDIR="$T/tmp" shmresize "$KEY" 128K
	assert_equal "$status" 1
	assert_output ""
	assert_stderr_has "kernel.shmall"
	assert_stderr_has "the data is intact in $KEY"
	assert_equal "$(sysv_field "$KEY" size)" 65536
	assert_equal "$(sysv_field "$KEY" perms)" 640
	shmcat "$KEY" | cmp "$T/data" -
	assert_equal "$(sysv_count)" 1
	assert_equal "$(ls -A "$T/tmp")" ""
}

@test "System V resize (e): kernel.shmall below even the old size: exit 1, the data saved in a file it names" {
	skip_unless_hermetic "changes kernel.shmall"
	sysv_64k
	sysctl -q -w kernel.shmall=$(( 32768 / PAGE ))
	run --separate-stderr env TMPDIR="$T/tmp" shmresize "$KEY" 128K
	assert_equal "$status" 1
	assert_output ""
	assert_stderr_has "kernel.shmall"
	[[ $stderr =~ "the data is saved in "(.+)$ ]] ||
	    fail "no saved path in: $stderr"
	saved=${BASH_REMATCH[1]}
	[[ $saved == "$T/tmp/"* ]] || fail "saved outside TMPDIR: $saved"
	# A recovery file: a 136-byte header (version 2), then the data.
	cmp "$T/data" <(tail -c +137 "$saved")
	assert_gone "$KEY"
	assert_equal "$(sysv_count)" 0
}
