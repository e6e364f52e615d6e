#!/usr/bin/env bats
# 64-anon.bats - anonymous shared memory: mmap(MAP_SHARED |
# MAP_ANONYMOUS) before fork, or a MAP_SHARED map of /dev/zero
# (PostgreSQL's shared_buffers, Python multiprocessing's heaps).  The
# kernel backs each with one inode of its internal shmem mount, which
# /proc/PID/maps prints as "/dev/zero (deleted)": listed once per inode
# as the fifth kind, anon, named anon:PID:START-END by its lowest
# mapper's mapping; shmcat and shmput reach it through
# /proc/PID/map_files; shmrm and shmresize refuse it, saying why.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# tests count every anonymous mapping there is.

bats_require_minimum_version 1.5.0
load test_helper
load completion

MIB64=$(( 64 * 1024 * 1024 ))

setup() {
	require_hermetic
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_bg
	stop_clients || true	# a client killed by SIGTERM may say 143
	cleanup_nobody
	cleanup_segments
	if [[ -f $T/.dir ]]; then
		rm -rf -- "$(cat "$T/.dir")"
	fi
}

# start_anon HOW TEXT [SIZE]: an anon_mapper (HOW: anon or zero) sharing
# its mapping with a child; PID and CHILD are the two, RANGE the mapping,
# ADDR the anon:LOW:RANGE that shmls names it by (the lower PID's).
start_anon() {
	local pid low
	_next_client
	start_client PID anon_mapper "$1" "${3:-4096}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid RANGE CHILD <"$READY"
	[[ $pid == "$PID" ]] || fail "anon_mapper $PID says it is $pid"
	low=$(( PID < CHILD ? PID : CHILD ))
	HIGH=$(( PID < CHILD ? CHILD : PID ))
	LOW=$low
	ADDR=anon:$low:$RANGE
}

# anon_rows: the anonymous mappings listed, as ADDRESS SIZE NATTCH PIDS.
anon_rows() {
	shmls --anon -rnb -o ADDRESS,SIZE,NATTCH,PIDS
}

# row FILE TYPE: the SHMEM of --summary -J row TYPE in FILE.
row() {
	jq -r --arg t "$2" '.shm[] | select(.type == $t) | .shmem' "$1"
}

@test "fork-shared anonymous memory is listed once, by the lower PID's mapping, NATTCH 2" {
	start_anon anon "shared before fork" 65536
	[[ $RANGE =~ ^[0-9a-f]+-[0-9a-f]+$ ]]
	# what the kernel prints for it, in both processes
	grep -q "^$RANGE rw-s .* /dev/zero (deleted)$" "/proc/$PID/maps"
	grep -q "^$RANGE rw-s .* /dev/zero (deleted)$" "/proc/$CHILD/maps"
	run -0 anon_rows
	assert_equal "${#lines[@]}" 1
	assert_output "$ADDR 65536 2 $LOW,$HIGH"
	run -0 shmls -rn -o TYPE,ADDRESS,OWNER,COMMAND
	assert_line "anon $ADDR root anon_mapper,anon_mapper"
	# RSS: the page written; JSON has the kind
	run -0 shmls --anon -J -o TYPE,ADDRESS,RSS,NATTCH,CTIME
	jq -e --arg a "$ADDR" '.shm | length == 1 and .[0].type == "anon" and
	    .[0].address == $a and .[0].rss == 4096 and .[0].nattch == 2 and
	    (.[0].ctime | type) == "string"' <<<"$output" || fail "$output"
}

@test "a MAP_SHARED map of /dev/zero is anonymous shared memory too; a private one is not" {
	start_anon zero "from /dev/zero" 8192
	run -0 anon_rows
	assert_output "$ADDR 8192 2 $LOW,$HIGH"
	# A MAP_PRIVATE map of /dev/zero is private memory: not listed.
	bash -c 'exec 9<>/dev/zero; python3 -c "
import mmap, os, sys
m = mmap.mmap(9, 8192, flags=mmap.MAP_PRIVATE)
m[0:1] = b\"x\"
open(sys.argv[1], \"w\").close()
os.kill(os.getpid(), 19)" "$1"' _ "$T/private" &
	local priv=$!
	wait_for "$T/private"
	run -0 anon_rows
	assert_output "$ADDR 8192 2 $LOW,$HIGH"
	kill -KILL "$priv"
	wait "$priv" 2>/dev/null || true
}

@test "an unlinked tmpfs file that the kernel prints as /dev/zero (deleted) is not anonymous memory" {
	# In a mount namespace whose /dev is a tmpfs, a file /dev/zero
	# there, mapped shared and unlinked, reads "/dev/zero (deleted)" in
	# maps, like anonymous memory; only its device tells them apart.
	run --separate-stderr -0 unshare --mount --propagation private bash -c '
	    mount -t tmpfs shmt-test /dev || exit 99
	    truncate -s 4096 /dev/zero
	    python3 -c "
import mmap, os, sys
f = open(\"/dev/zero\", \"r+b\")
m = mmap.mmap(f.fileno(), 4096, flags=mmap.MAP_SHARED)
os.unlink(\"/dev/zero\")
open(sys.argv[1], \"w\").close()
os.kill(os.getpid(), 19)" "$1" &
	    p=$!
	    while [[ ! -e $1 ]]; do sleep 0.02; done
	    grep -c " /dev/zero (deleted)\$" /proc/$p/maps
	    shmls --anon -rn -o ADDRESS
	    kill -KILL $p' _ "$T/ready"
	assert_output 1
}

@test "every anon row shmls prints reads back through shmcat" {
	start_anon anon "first"
	start_anon zero "second" 8192
	start_memfd pool "a memfd beside them"
	run -0 shmls --anon -rn -o ADDRESS
	assert_equal "${#lines[@]}" 2
	for a in "${lines[@]}"; do
		run -0 shmcat -s "$a"
		[[ $output == first || $output == second ]] ||
		    fail "$a read back '$output'"
	done
	# with the other kinds in the default listing too
	run -0 shmls -rn -o TYPE,ADDRESS
	assert_equal "$(grep -c '^anon ' <<<"$output")" 2
	assert_equal "$(grep -c '^memfd ' <<<"$output")" 1
}

@test "shmcat reads it back and shmput writes through it; the processes see it" {
	start_anon anon "the text in it"
	run -0 shmcat -s "$ADDR"
	assert_output "the text in it"
	shmput -d "written by shmput" "$ADDR"
	client_sees
	assert_output "written by shmput"
	# the same object through the other process's mapping
	other=$(( LOW == PID ? CHILD : PID ))
	run -0 shmcat -s "anon:$other:$RANGE"
	assert_output "written by shmput"
	# its size is the mapping's: no more is written, nothing lost
	run --separate-stderr -1 shmput -d "$(head -c 5000 /dev/zero | tr '\0' x)" "$ADDR"
	run -0 shmcat -s "$ADDR"
	assert_output "written by shmput"
}

@test "shmrm refuses it, saying why, and it stays; bulk modes never touch it" {
	start_anon anon kept
	run --separate-stderr -1 shmrm "$ADDR"
	assert_stderr_has "$ADDR: anonymous shared memory has no name: it lives as long as a process maps it, and cannot be removed"
	run --separate-stderr -1 shmrm -f "$ADDR"
	assert_stderr_has "cannot be removed"
	run -0 shmcat -s "$ADDR"
	assert_output kept
	run -0 shmrm -f --all
	run -0 shmrm --orphans
	run -0 shmrm --unused
	run -0 anon_rows
	assert_output "$ADDR 4096 2 $LOW,$HIGH"
	run -0 shmcat -s "$ADDR"
	assert_output kept
}

@test "shmresize refuses it: its size is the mapping's" {
	start_anon anon same
	for s in 8K 1K +4K; do
		run --separate-stderr -1 shmresize "$ADDR" "$s"
		assert_stderr_has "anonymous shared memory has the size of its mapping"
	done
	run -0 anon_rows
	assert_output "$ADDR 4096 2 $LOW,$HIGH"
	run -0 shmcat -s "$ADDR"
	assert_output same
}

@test "shmmk cannot make one; anon:PID:FD and malformed mappings are usage errors" {
	run --separate-stderr -2 shmmk -s 4K anon:1:1000-2000
	assert_stderr_has "made by mmap(2)"
	run --separate-stderr -2 shmcat anon:1:5
	assert_stderr_has "an anonymous shared mapping has no descriptor"
	run --separate-stderr -2 shmcat anon:1:2000-1000
	assert_stderr_has "START is not below END"
	run --separate-stderr -2 shmcat anon:x:1000-2000
	assert_stderr_has "malformed anon address"
	# a mapping that is no anonymous memory (its program): refused
	start_anon anon "x"
	m=$(awk '/anon_mapper$/ { print $1; exit }' "/proc/$PID/maps")
	[[ -n $m ]] || fail "no mapping of anon_mapper in $(cat "/proc/$PID/maps")"
	run --separate-stderr -1 shmcat "anon:$PID:$m"
	assert_output ""
	assert_stderr_has "not anonymous shared memory"
	run --separate-stderr -1 shmcat "anon:$PID:1000-2000"
	assert_stderr_has "no such process or mapping"
}

@test "--anon lists only them; --memfd, --sysv and --posix none of them" {
	start_anon anon "x"
	anon=$ADDR
	start_memfd pool "y"
	ADDR=$anon
	run -0 shmls --anon -rn -o TYPE
	assert_output anon
	run -0 shmls --memfd -rn -o TYPE
	assert_output memfd
	run -0 shmls --sysv --posix -rn -o TYPE
	refute_output --partial anon
	run -0 shmls --anon --memfd -rn -o TYPE
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "anon memfd "
	# -A lists it once
	run -0 shmls -A --anon -rn -o ADDRESS
	assert_output "$ADDR"
	# shmls names it as an operand
	run -0 shmls -rnb -o ADDRESS,SIZE,NATTCH "$ADDR"
	assert_output "$ADDR 4096 2"
}

# anon_window: one try of the delta test: snapshots before, during
# (64 MiB of anonymous memory, every page written) and after; returns 0
# when the unattributed rest stayed within 4 MiB in both windows.
anon_window() {
	local d1 d2
	shmls --summary -J >"$T/before"
	start_anon anon "" "$MIB64"
	head -c "$MIB64" /dev/zero | shmput "$ADDR"
	shmls --summary -J >"$T/during"
	stop_clients || true
	shmls --summary -J >"$T/after"
	d1=$(( $(row "$T/during" unattributed) - $(row "$T/before" unattributed) ))
	d2=$(( $(row "$T/after" unattributed) - $(row "$T/during" unattributed) ))
	echo "unattributed moved by $d1 and $d2" >>"$T/tries"
	(( d1 < 4194304 && d1 > -4194304 && d2 < 4194304 && d2 > -4194304 ))
}

@test "--summary has an anon row; 64 MiB of it moves that row, not the unattributed rest" {
	start_anon anon "" "$MIB64"
	head -c "$MIB64" /dev/zero | shmput "$ADDR"
	shmls --summary -J >"$T/during"
	jq -e '[.shm[].type] == ["sysv", "posix", "memfd", "anon", "tmpfs",
	    "unattributed", "Shmem"]' "$T/during" >/dev/null ||
	    fail "$(cat "$T/during")"
	jq -e --argjson m "$MIB64" '.shm[] | select(.type == "anon") |
	    .count == 1 and .size == $m and .rss == $m and .shmem == $m' \
	    "$T/during" >/dev/null || fail "$(cat "$T/during")"
	# the rows add up to Shmem
	jq -e '([.shm[] | select(.type != "Shmem") | .shmem] | add) ==
	    (.shm[] | select(.type == "Shmem") | .shmem)' "$T/during" \
	    >/dev/null || fail "$(cat "$T/during")"
	run -0 shmls --summary -rnb
	assert_line "anon 1 $MIB64 $MIB64 0 $MIB64"
	stop_clients || true
	shmls --summary -J >"$T/after"
	jq -e '.shm[] | select(.type == "anon") | .count == 0 and .shmem == 0' \
	    "$T/after" >/dev/null || fail "$(cat "$T/after")"
	# Shmem grows by 64 MiB and shrinks back; the unattributed rest does
	# not move.  Shmem is the host's, and other processes move it: one
	# try of five with both windows quiet is enough.
	for i in 1 2 3 4 5; do
		anon_window && return 0
	done
	fail "$(cat "$T/tries")"
}

@test "--metrics counts it as type anon, and its Shmem part" {
	start_anon anon "x" 8192
	run -0 shmls --metrics
	assert_line --regexp '^shm_segments\{type="anon"\} 1$'
	assert_line --regexp '^shm_kernel_shmem_part_bytes\{type="anon"\} 4096$'
}

@test "as nobody: root's anonymous memory is unknown, never none; its own is listed, size unknown" {
	need_nobody
	start_anon anon "root's"
	run --separate-stderr -0 as_nobody shmls --summary -rn
	assert_line --regexp '^anon +\? +\? +\? +\? +\?$'
	assert_stderr_has "anonymous shared memory they alone hold are not known"
	run --separate-stderr -0 as_nobody shmls --anon -rn -o ADDRESS
	refute_output --partial "anon:$LOW:"
	assert_stderr_has "anonymous shared memory they alone hold are not listed"
	# nobody's own: seen in its maps, not openable without CAP_SYS_ADMIN
	dir=$(mktemp -d /tmp/shmt-anon.XXXXXX)
	chmod 777 "$dir"
	printf '%s\n' "$dir" >"$T/.dir"
	bg "${NOBODY[@]}" "$SHMT_BUILDDIR/tests/clients/anon_mapper" anon 8192 \
	    mine "$dir/ready"
	wait_for "$dir/ready" || skip "nobody cannot run the test client here"
	read -r pid range child <"$dir/ready"
	low=$(( pid < child ? pid : child ))
	run --separate-stderr -0 as_nobody shmls --anon -rn -o ADDRESS,SIZE,OWNER
	assert_line "anon:$low:$range ? nobody"
	assert_stderr_has "anonymous shared memory are seen only mapped"
	# its own process: read and written through /proc/PID/mem
	run --separate-stderr -0 as_nobody shmcat -s "anon:$low:$range"
	assert_output mine
	as_nobody shmput -d "put by nobody" "anon:$low:$range"
	run -0 shmcat -s "anon:$low:$range"
	assert_output "put by nobody"
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,SIZE,OWNER \
	    "anon:$low:$range"
	assert_output "anon:$low:$range ? nobody"
	run --separate-stderr -1 as_nobody shmls "$ADDR"
	assert_stderr_has "another user's process, whose mappings only root and that user may see"
	# root's process: neither way in, and the message says why
	run --separate-stderr -1 as_nobody shmcat "$ADDR"
	assert_output ""
	assert_stderr_has "needs CAP_SYS_ADMIN"
	assert_stderr_has "/proc/PID/mem"
}

@test "as nobody, its own holder swapping the mapping: /proc/PID/mem is refused too, nothing read" {
	need_nobody
	dir=$(mktemp -d /tmp/shmt-anon.XXXXXX)
	chmod 777 "$dir"
	printf '%s\n' "$dir" >"$T/.dir"
	printf 'other file' >"$dir/other"
	chmod 666 "$dir/other"
	truncate -s 4096 "$dir/other"
	_next_client
	ANON_SWAP=$dir/other start_client PID "${NOBODY[@]}" \
	    "$SHMT_BUILDDIR/tests/clients/anon_mapper" anon 4096 mine \
	    "$dir/ready" "$dir/echo"
	wait_for "$dir/ready" || skip "nobody cannot run the test client here"
	read -r pid range child <"$dir/ready"
	run --separate-stderr -0 as_nobody shmcat -s "anon:$pid:$range"
	assert_output mine
	signal_echo "$pid" "$dir/echo"
	assert_equal "$(cat "$dir/echo")" swapped
	run --separate-stderr -1 as_nobody shmcat "anon:$pid:$range"
	assert_output ""
	assert_stderr_has "not anonymous shared memory"
	run --separate-stderr -1 as_nobody shmput -d X "anon:$pid:$range"
	assert_stderr_has "not anonymous shared memory"
	assert_equal "$(head -c 10 "$dir/other")" "other file"
	# the child maps the original still
	run --separate-stderr -0 as_nobody shmcat -s "anon:$child:$range"
	assert_output mine
}

@test "hidepid=2: as nobody, root's anonymous memory is unknown; root still sees it" {
	need_nobody
	need_root
	unshare --mount --propagation private sh -c \
	    'mount -t proc -o hidepid=2 proc /proc' 2>/dev/null ||
	    skip "cannot mount a proc with hidepid here"
	start_anon anon "hidden"
	run --separate-stderr -0 unshare --mount --propagation private sh -c \
	    'mount -t proc -o hidepid=2 proc /proc && exec "$@"' sh \
	    "${NOBODY[@]}" "$NOBODY_BIN/shmls" --summary -rn
	assert_line --regexp '^anon +\? +\? +\? +\? +\?$'
	run --separate-stderr -0 unshare --mount --propagation private sh -c \
	    'mount -t proc -o hidepid=2 proc /proc && exec "$@"' sh \
	    shmls --anon -rn -o ADDRESS,NATTCH
	assert_output "$ADDR 2"
}

@test "a child PID namespace: the parent's is unknown there; its own is listed by its own PIDs" {
	need_root
	unshare --pid --fork --mount-proc true 2>/dev/null ||
	    skip "cannot make a PID namespace"
	start_anon anon "parent's"
	run --separate-stderr -0 env -u SHMTOOLS_PIDNS_PRIVATE unshare --pid \
	    --fork --mount-proc --propagation private shmls --summary -rn
	assert_line --regexp '^anon +\? +\? +\? +\? +\?$'
	# one made inside: PIDs as that namespace numbers them
	run --separate-stderr -0 env -u SHMTOOLS_PIDNS_PRIVATE unshare --pid \
	    --fork --mount-proc --propagation private bash -c '
	    anon_mapper zero 4096 inside "$1" 3>&- &
	    while [[ ! -e $1 ]]; do sleep 0.02; done
	    read -r pid range child <"$1"
	    echo "anon:$pid:$range $pid,$child"
	    shmls --anon -rn -o ADDRESS,PIDS
	    shmcat -s "anon:$pid:$range"; echo
	    kill $pid' _ "$T/inside"
	# its own processes, and (the parent namespace's unseen) more unknown
	assert_equal "${lines[1]}" "${lines[0]},?"
	assert_line --index 2 inside
}

# start_swapper TEXT: a hostile anon_mapper that, on its first SIGUSR1,
# maps the POSIX object $victim ("precious", fingerprint $before) over
# its anonymous mapping RANGE; PID and CHILD are the two processes.
start_swapper() {
	local pid
	victim=$(new_name)
	shmmk -s 4K "$victim"
	shmput -d precious "$victim"
	before=$(fingerprint "/dev/shm$victim")
	_next_client
	ANON_SWAP=/dev/shm$victim start_client PID anon_mapper anon 4096 \
	    "$1" "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid RANGE CHILD <"$READY"
}

@test "a holder swapping the mapping between listing and read: refused, never the other file" {
	start_swapper original
	run -0 shmls --anon -rn -o ADDRESS
	assert_line "anon:$(( PID < CHILD ? PID : CHILD )):$RANGE"
	# the parent maps the victim over the range now
	client_sees
	assert_output swapped
	run --separate-stderr -1 shmcat "anon:$PID:$RANGE"
	assert_output ""
	assert_stderr_has "not anonymous shared memory"
	run --separate-stderr -1 shmput -d OVERWRITTEN "anon:$PID:$RANGE"
	assert_stderr_has "not anonymous shared memory"
	assert_equal "$(fingerprint "/dev/shm$victim")" "$before"
	# the child still maps the original
	run -0 shmcat -s "anon:$CHILD:$RANGE"
	assert_output original
}

@test "a holder swapping the mapping after shmcat checked it: shmcat reads what it checked" {
	start_swapper orig
	# shmput stops once it has checked the mapping (SIGSTOP)
	SHMTOOLS_TEST_PAUSE=held:stop bg shmput -d CHANGED "anon:$PID:$RANGE"
	wait_until 5 bash -c '[[ $(awk "{ print \$3 }" /proc/$1/stat) == T ]]' _ "$BG_PID"
	client_sees
	assert_output swapped
	kill -CONT "$BG_PID"
	wait "$BG_PID"
	# it wrote the memory it checked, which the child still maps
	assert_equal "$(fingerprint "/dev/shm$victim")" "$before"
	run -0 shmcat -s "anon:$CHILD:$RANGE"
	assert_output CHANGED
}

@test "bash, zsh, fish: the address completion offers it to shmcat and shmput, not to shmrm or shmresize" {
	COMPLETIONS=$SHMT_SRCDIR/completions
	start_anon anon x 8192
	run -0 complete_bash "shmcat "
	assert_line "$ADDR"
	run -0 complete_bash "shmput anon:$LOW:"
	assert_line "$RANGE"
	run -0 complete_bash "shmrm "
	refute_output --partial anon:
	run -0 complete_bash "shmresize "
	refute_output --partial anon:
	run -0 complete_bash "shmls --an"
	assert_line --anon
	run -0 complete_fish "shmcat "
	assert_line "$ADDR"$'\tanon, 8.0K'
	run -0 complete_fish "shmresize "
	refute_output --partial anon:
	run -0 complete_zsh "shmput "
	assert_line "$ADDR"
	run -0 complete_zsh "shmrm "
	refute_output --partial anon:
	run -0 complete_zsh "shmresize "
	refute_output --partial anon:
}
