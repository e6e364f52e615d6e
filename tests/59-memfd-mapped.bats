#!/usr/bin/env bats
# 59-memfd-mapped.bats - memfds whose descriptor was closed while their
# mappings live (PulseAudio's pools): listed once per object, named by a
# mapping, memfd:PID:START-END, when no process holds a descriptor for it;
# shmcat and shmput reach it through /proc/PID/map_files; shmrm refuses
# it as it refuses memfd:PID:FD.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# tests count every memfd there is.

bats_require_minimum_version 1.5.0
load test_helper
load completion

setup() {
	require_hermetic
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_bg
	stop_clients
	cleanup_nobody
	cleanup_segments
	if [[ -f $T/.dir ]]; then
		rm -rf -- "$(cat "$T/.dir")"
	fi
}

# start_mapped NAME TEXT [SIZE]: a memfd_holder that keeps only a mapping
# of its memfd, shared with a child; PID and CHILD are the two, ADDR is
# the memfd:PID:START-END of the parent's mapping.
start_mapped() {
	local pid range
	_next_client
	MEMFD_MAPPED=1 start_client PID memfd_holder "$1" "${3:-4096}" "$2" \
	    "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid range CHILD <"$READY"
	[[ $pid == "$PID" ]] || fail "memfd_holder $PID says it is $pid"
	ADDR=memfd:$pid:$range
}

# memfd_rows: the memfds listed, as ADDRESS SIZE NATTCH PIDS NAME.
memfd_rows() {
	shmls --memfd -rnb -o ADDRESS,SIZE,NATTCH,PIDS,NAME
}

@test "a memfd only mapped, by two processes, is listed once by a mapping" {
	start_mapped pool "in the pool" 65536
	[[ $ADDR =~ ^memfd:$PID:[0-9a-f]+-[0-9a-f]+$ ]]
	# the client holds no descriptor for it: only the mappings keep it
	run ! grep -q memfd: < <(ls -l "/proc/$PID/fd" "/proc/$CHILD/fd")
	low=$(( PID < CHILD ? PID : CHILD ))
	high=$(( PID < CHILD ? CHILD : PID ))
	run -0 memfd_rows
	assert_equal "${#lines[@]}" 1
	assert_output "memfd:$low:${ADDR##*:} 65536 2 $low,$high pool"
	# in the default listing too, with its type
	run -0 shmls -rn -o TYPE,ADDRESS
	assert_line "memfd memfd:$low:${ADDR##*:}"
}

@test "shmcat reads it back and shmput writes through it" {
	start_mapped pool "the text in it"
	run -0 shmcat -s "$ADDR"
	assert_output "the text in it"
	shmput -d "written by shmput" "$ADDR"
	client_sees
	assert_output "written by shmput"
	# the same object through the child's mapping
	run -0 shmcat -s "memfd:$CHILD:${ADDR##*:}"
	assert_output "written by shmput"
}

@test "every memfd row shmls prints reads back through shmcat" {
	start_mapped pool "round trip"
	start_memfd held "held open"
	run -0 shmls --memfd -rn -o ADDRESS
	assert_equal "${#lines[@]}" 2
	for a in "${lines[@]}"; do
		shmcat -s "$a" >"$T/out"
		[[ $(cat "$T/out") == "round trip" || \
		    $(cat "$T/out") == "held open" ]] || fail "$a: $(cat "$T/out")"
	done
}

@test "shmresize grows it through the mapping, as through a descriptor" {
	start_mapped pool grown 4096
	run -0 shmresize "$ADDR" 16K
	run -0 shmls -rnb -o SIZE "$ADDR"
	assert_output 16384
	client_sees
	assert_output grown
}

@test "shmls ADDRESS names it; a mapping that is not there is an error" {
	start_mapped pool x 8192
	run -0 shmls -rnb -o ADDRESS,SIZE,NAME "$ADDR"
	assert_output "$ADDR 8192 pool"
	run --separate-stderr -1 shmls "memfd:$PID:7fff0000-7fff1000"
	assert_stderr_has "memfd:$PID:7fff0000-7fff1000: no such process or mapping"
}

@test "a mapping of something else is not a memfd" {
	start_mapped pool x
	lib=$(awk '$6 ~ /^\// && $6 !~ /memfd:/ { print $1; exit }' \
	    "/proc/$PID/maps")
	[[ -n $lib ]] || skip "no file mapped in the client"
	run --separate-stderr -1 shmcat "memfd:$PID:$lib"
	assert_stderr_has "that mapping is not of a memfd"
}

@test "--summary counts its bytes with the memfds" {
	start_mapped pool x 1048576
	run -0 shmls --summary -rnb
	assert_line --regexp "^memfd 1 1048576 [0-9]+ "
}

@test "shmrm refuses it as it refuses memfd:PID:FD, and it stays" {
	start_mapped pool kept
	run --separate-stderr -2 shmrm "$ADDR"
	assert_stderr_has "$ADDR: shmrm cannot take a memfd address"
	assert_stderr_has "Try 'shmrm --help'."
	run -0 shmcat -s "$ADDR"
	assert_output kept
}

@test "a memfd held open and mapped is listed once, named by the descriptor" {
	start_mapped pool shared 4096
	start_holder holder "/proc/$PID/map_files/${ADDR##*:}"
	run -0 memfd_rows
	assert_equal "${#lines[@]}" 1
	read -r a size nattch _ <<<"${lines[0]}"
	assert_equal "$a $size $nattch" "memfd:$holder:5 4096 3"
	# the descriptor closed, the mappings still keep it: named by one
	kill -TERM "$holder"
	wait "$holder" || true
	low=$(( PID < CHILD ? PID : CHILD ))
	run -0 memfd_rows
	assert_output --regexp "^memfd:$low:[0-9a-f]+-[0-9a-f]+ 4096 2 "
}

@test "it leaves the listing when its last mapping goes" {
	start_mapped pool bye
	run -0 memfd_rows
	assert_equal "${#lines[@]}" 1
	stop_clients
	run -0 memfd_rows
	assert_output ""
}

@test "as nobody: a mapping it may not open has its size unknown, and says why" {
	need_nobody
	dir=$(mktemp -d /tmp/shmt-memfd.XXXXXX)
	chmod 777 "$dir"
	printf '%s\n' "$dir" >"$T/.dir"
	bg env MEMFD_MAPPED=1 "${NOBODY[@]}" \
	    "$SHMT_BUILDDIR/tests/clients/memfd_holder" pool 8192 secret \
	    "$dir/ready"
	wait_for "$dir/ready" || skip "nobody cannot run the test client here"
	read -r pid range child <"$dir/ready"
	rm -rf -- "$dir"
	low=$(( pid < child ? pid : child ))
	# its own processes' mappings, and still the kernel says no
	run --separate-stderr -0 as_nobody shmls --memfd -rn \
	    -o ADDRESS,SIZE,PERMS,NAME
	assert_output "memfd:$low:$range ? ? pool"
	assert_stderr_has "needs CAP_SYS_ADMIN"
	run -0 as_nobody shmls --summary --memfd -rn
	assert_line --regexp "^memfd (1|\?) \? "
	run --separate-stderr -1 as_nobody shmcat "memfd:$pid:$range"
	assert_stderr_has "/proc/PID/map_files needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE"
	# root may open the mapping, and sees it all
	run -0 shmls --memfd -rnb -o ADDRESS,SIZE,OWNER
	assert_output "memfd:$low:$range 8192 nobody"
}

@test "bash, zsh, fish: the address completion offers it, and shmrm does not" {
	COMPLETIONS=$SHMT_SRCDIR/completions
	start_mapped pool x 8192
	low=$(( PID < CHILD ? PID : CHILD ))
	a=memfd:$low:${ADDR##*:}
	run -0 complete_bash "shmcat "
	assert_line "$a"
	run -0 complete_bash "shmput memfd:$low:"
	assert_line "${a#memfd:$low:}"
	run -0 complete_bash "shmrm "
	refute_output --partial memfd:
	run -0 complete_fish "shmcat "
	assert_line "$a"$'\tmemfd, 8.0K'
	run -0 complete_fish "shmrm "
	refute_output --partial memfd:
	run -0 complete_zsh "shmresize "
	assert_line "$a"
	run -0 complete_zsh "shmrm "
	refute_output --partial memfd:
}
