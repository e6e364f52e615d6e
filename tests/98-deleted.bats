#!/usr/bin/env bats
# 98-deleted.bats - POSIX objects that were unlinked (shm_unlink, rm) while
# a process still maps them or holds them open: the name is gone, the
# memory is not.  shmls lists them (STATUS deleted) with an ADDRESS that
# reaches them through a holder, deleted:PID:FD or deleted:PID:START-END;
# shmcat, shmput and shmresize take it; shmrm refuses it.
#
# Only in the private namespaces of tests/run-bats (SHMT_HERMETIC=1): the
# tests count every unlinked object there is.

load test_helper

setup() {
	require_hermetic
	T=$BATS_TEST_TMPDIR
}

teardown() {
	stop_bg
	stop_clients
	cleanup_nobody
	cleanup_segments
}

# start_unlinked MODE /NAME TEXT [SIZE]: a posix_writer that creates
# /NAME, unlinks it and keeps only its mapping (MODE map) or only its
# descriptor (MODE fd); ADDR is the object's deleted: address.
start_unlinked() {
	local opt=--unlink pid where
	[[ $1 == fd ]] && opt=--unlink-fd
	shift
	_next_client
	start_client PID posix_writer "$opt" "$1" \
	    "${3:-10000}" "$2" "$READY" "$ECHO"
	wait_for "$READY"
	read -r pid where <"$READY"
	[[ $pid == "$PID" ]] || fail "posix_writer $PID says it is $pid"
	ADDR=deleted:$pid:$where
}

# deleted_rows: the rows of unlinked objects, as ADDRESS SIZE NATTCH PIDS.
deleted_rows() {
	shmls -rnb -o ADDRESS,SIZE,NATTCH,PIDS,STATUS | awk '$5 == "deleted"'
}

# --- listed ------------------------------------------------------------------

@test "an object unlinked while mapped is listed: posix, deleted, its size, name and user" {
	name=$(new_name)
	start_unlinked map "$name" "kept in memory" 10000
	[[ ! -e /dev/shm$name ]]
	[[ $ADDR =~ ^deleted:$PID:[0-9a-f]+-[0-9a-f]+$ ]]
	run -0 shmls -rnb -o TYPE,ADDRESS,SIZE,NATTCH,PIDS,STATUS,NAME
	assert_line "posix $ADDR 10000 1 $PID deleted ${name#/}"
	# the size in /dev/shm that it still takes: its pages
	run -0 shmls -rnb -o RSS "$ADDR"
	(( output >= 4096 ))
}

@test "an object unlinked while only held open is listed by its descriptor" {
	name=$(new_name)
	start_unlinked fd "$name" "held by fd" 5000
	[[ $ADDR =~ ^deleted:$PID:[0-9]+$ ]]
	run -0 shmls -rnb -o TYPE,ADDRESS,SIZE,OWNER,PERMS,NATTCH,PIDS,STATUS
	assert_line "posix $ADDR 5000 root rw------- 1 $PID deleted"
}

@test "the default listing shows it, as System V's dest segments" {
	start_unlinked map "$(new_name)" x
	run -0 shmls
	assert_line --regexp "^posix +$ADDR +9\\.8K +root +rw------- +1 deleted "
}

@test "shmls --posix lists it with the users' columns, not without a scan" {
	start_unlinked fd "$(new_name)" x
	run -0 shmls --posix -rn -o ADDRESS,STATUS,PIDS
	assert_output "$ADDR deleted $PID"
	# no column and no filter asks who uses what: /proc is not read
	run -0 shmls --posix -rn -o ADDRESS,SIZE
	assert_output ""
	run -0 shmls --sysv -rn -o ADDRESS,PIDS
	assert_output ""
}

@test "shmls ADDRESS lists it; a holder's descriptor that is gone is an error" {
	start_unlinked fd "$(new_name)" x 4096
	run -0 shmls -rnb -o ADDRESS,SIZE,STATUS,NATTCH "$ADDR"
	assert_output "$ADDR 4096 deleted 1"
	run --separate-stderr -1 shmls "deleted:$PID:99"
	assert_stderr_has "deleted:$PID:99: no such process or descriptor"
	run --separate-stderr -1 shmls "deleted:$PID:7fff0000-7fff1000"
	assert_stderr_has "no such process or mapping"
}

@test "JSON: type posix, status deleted, the size as a number" {
	start_unlinked map "$(new_name)" x 10000
	shmls -J -o TYPE,ADDRESS,SIZE,NATTCH,PIDS,STATUS >"$T/json"
	jq -e --arg a "$ADDR" --argjson pid "$PID" '
	    [.shm[] | select(.status == "deleted")] == [{type: "posix",
	    address: $a, size: 10000, nattch: 1, pids: [$pid],
	    status: "deleted"}]' "$T/json"
}

@test "--summary counts it with the POSIX objects" {
	start_posix "$(new_name)" live 4096
	start_unlinked fd "$(new_name)" gone 8192
	run -0 shmls --summary -rnb
	assert_line --regexp "^posix 2 12288 [0-9]+ "
	shmls --summary -J >"$T/json"
	jq -e '.shm[] | select(.type == "posix") | .count == 2 and
	    .size == 12288' "$T/json"
}

@test "two holders of one unlinked object are one row, named by the first" {
	start_unlinked fd "$(new_name)" shared 4096
	first=$PID
	start_holder other "/proc/$PID/fd/${ADDR##*:}"
	run -0 deleted_rows
	assert_equal "${#lines[@]}" 1
	low=$(( first < other ? first : other ))
	high=$(( first < other ? other : first ))
	read -r a size nattch pids _ <<<"${lines[0]}"
	[[ $a == deleted:$low:* ]] || fail "named by $a, not by $low"
	assert_equal "$nattch $pids" "2 $low,$high"
	assert_equal "$size" 4096
}

@test "a holder's descriptor names it before a mapping does" {
	start_unlinked map "$(new_name)" mapped 4096
	mapper=$PID
	start_holder holder "/proc/$PID/map_files/${ADDR##*:}"
	run -0 deleted_rows
	assert_equal "${#lines[@]}" 1
	assert_line --regexp "^deleted:$holder:5 4096 2 "
}

@test "it leaves the listing when its last holder exits" {
	start_unlinked map "$(new_name)" bye 1048576
	used=$(df --output=used -B1 /dev/shm | tail -1)
	run -0 deleted_rows
	assert_equal "${#lines[@]}" 1
	stop_clients
	run -0 deleted_rows
	assert_output ""
	now=$(df --output=used -B1 /dev/shm | tail -1)
	(( now < used ))
}

# --- the other programs take its ADDRESS -------------------------------------

@test "shmcat reads it and shmput writes it, through the mapping" {
	start_unlinked map "$(new_name)" "from the writer"
	run -0 shmcat -s "$ADDR"
	assert_output "from the writer"
	shmput -d 'from shmput' --zero-rest "$ADDR"
	client_sees
	assert_output "from shmput"
}

@test "shmcat reads it and shmput writes it, through the descriptor" {
	start_unlinked fd "$(new_name)" "from the writer"
	run -0 shmcat -s "$ADDR"
	assert_output "from the writer"
	shmput -d 'written' --zero-rest "$ADDR"
	client_sees
	assert_output "written"
	run -0 shmcat -n 7 "$ADDR"
	assert_output written
}

@test "shmresize grows it, and will not shrink it under its holder" {
	start_unlinked fd "$(new_name)" x 4096
	run -0 shmresize "$ADDR" 16K
	run -0 shmls -rnb -o SIZE "$ADDR"
	assert_output 16384
	run --separate-stderr -1 shmresize "$ADDR" 4K
	assert_stderr_has "not shrunk"
	run -0 shmls -rnb -o SIZE "$ADDR"
	assert_output 16384
}

@test "shmmk cannot make one" {
	run --separate-stderr -2 shmmk -s 4K deleted:1:3
	assert_stderr_has "cannot be made"
}

# --- it cannot be removed ----------------------------------------------------

@test "shmrm ADDRESS refuses it, with -f and -n too, and touches nothing" {
	start_unlinked map "$(new_name)" "still here"
	for opts in "" -f -n -v; do
		# shellcheck disable=SC2086
		run --separate-stderr -1 shmrm $opts "$ADDR"
		assert_stderr_has "$ADDR: unlinked already: it has no name to remove"
		assert_output ""
	done
	client_sees
	assert_output "still here"
	run -0 deleted_rows
	assert_equal "${#lines[@]}" 1
}

@test "bulk shmrm --orphans keeps it and says why; -f --all does too" {
	start_unlinked fd "$(new_name)" x 4096
	orphan=$(new_name)
	shmmk -s 4K "$orphan"
	run --separate-stderr -0 shmrm --orphans
	assert_stderr_has "$ADDR: kept: unlinked already, and still mapped or held by PID $PID"
	assert_stderr_has "removed 1 segment, 4096 bytes (4.0K); 1 unlinked object still held (4.0K) cannot be removed"
	assert_gone "$orphan"
	run --separate-stderr -0 shmrm -f --all
	assert_stderr_has "$ADDR: kept: unlinked already"
	run --separate-stderr -0 shmrm -n --posix --unused
	assert_stderr_has "would remove 0 segments"
	assert_stderr_has "1 unlinked object still held"
	client_sees
	assert_output x
}

@test "shmls --unused and --orphans never list it" {
	start_unlinked map "$(new_name)" x
	run -0 shmls --unused -rn -o ADDRESS
	assert_output ""
	run -0 shmls --orphans -rn -o ADDRESS
	assert_output ""
}

# --- what it is not ----------------------------------------------------------

@test "memfds and removed System V segments are not unlinked POSIX objects" {
	start_memfd mine hello
	memfd=$ADDR
	key=$(new_key)
	start_sysv "$key" attached
	shmrm "$key"
	run -0 shmls -rn -o ADDRESS,STATUS
	refute_output --partial deleted
	assert_line --regexp "^$memfd *$"
	assert_line --regexp "^id:[0-9]+ dest$"
}

@test "a live object whose name ends in ' (deleted)' is listed by its name" {
	start_posix "/x (deleted)" live 4096
	run --separate-stderr -0 shmls -rn -o ADDRESS,STATUS,NATTCH
	assert_output '/x\x20(deleted)  1'
}

@test "an unlinked semaphore is passed by, as semaphores are" {
	start_unlinked fd "/sem.gone" x 32
	run -0 deleted_rows
	assert_output ""
}

# --- a holder cannot steer us elsewhere ---------------------------------------

@test "deleted:PID:FD of a live object, or of a file elsewhere, is refused" {
	victim=$(new_name)
	shmmk -s 4K "$victim"
	shmput -d precious "$victim"
	printf 'elsewhere\n' >"$T/plain"
	bg bash -c 'exec 7<"$1" 8<"$2"; rm -f "$2"; echo ready >"$3"; sleep 100' _ \
	    "/dev/shm$victim" "$T/plain" "$T/ready"
	wait_for "$T/ready"
	for fd in 7 8; do
		run --separate-stderr -1 shmput -d X "deleted:$BG_PID:$fd"
		assert_stderr_has "not an unlinked object of /dev/shm"
		run --separate-stderr -1 shmcat "deleted:$BG_PID:$fd"
		assert_output ""
		run --separate-stderr -1 shmls "deleted:$BG_PID:$fd"
	done
	run -0 shmcat -s "$victim"
	assert_output precious
	# an unlinked file elsewhere takes no /dev/shm space: not listed
	run -0 deleted_rows
	assert_output ""
}

@test "deleted:PID:FD whose holder swaps the descriptor never reaches the other file" {
	victim=$(new_name)
	shmmk -s 4K "$victim"
	shmput -d precious "$victim"
	before=$(fingerprint "/dev/shm$victim")
	bg fd_swapper --deleted "$(new_name)" "/dev/shm$victim" "$T/ready"
	wait_for "$T/ready"
	read -r pid fd <"$T/ready"
	for i in $(seq 1 150); do
		shmput -d 'OVERWRITTEN' "deleted:$pid:$fd" 2>/dev/null || true
		shmresize "deleted:$pid:$fd" 64K >/dev/null 2>&1 || true
		shmcat "deleted:$pid:$fd" 2>/dev/null >>"$T/read" || true
	done
	after=$(fingerprint "/dev/shm$victim")
	assert_equal "$after" "$before"
	run grep -c precious "$T/read"
	assert_output 0
	# what was reached was the unlinked object, every time
	run grep -c OVERWRITTEN "$T/read"
	(( output > 0 ))
}

# --- without CAP_SYS_ADMIN -----------------------------------------------------

@test "as nobody: a mapping it may not open has its size unknown, and says why" {
	need_nobody
	dir=$(mktemp -d /tmp/shmt-deleted.XXXXXX)
	chmod 777 "$dir"
	printf '%s\n' "$dir" >"$T/.dir"
	bg "${NOBODY[@]}" "$SHMT_BUILDDIR/tests/clients/posix_writer" --unlink \
	    /nobody-gone 8192 secret "$dir/ready"
	wait_for "$dir/ready" || skip "nobody cannot run the test client here"
	read -r pid range <"$dir/ready"
	rm -rf -- "$dir"
	# nobody cannot see root's processes either: NATTCH is unknown too
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,SIZE,PERMS,PIDS,STATUS
	assert_output "deleted:$pid:$range ? ? $pid,? deleted"
	assert_stderr_has "needs CAP_SYS_ADMIN"
	# nor all of root's processes: how many unlinked objects is unknown
	run -0 as_nobody shmls --summary -rn
	assert_line "posix ? ? ? ? ?"
	# its own process's mapping, and still the kernel says no: say why
	run --separate-stderr -1 as_nobody shmls "deleted:$pid:$range"
	assert_stderr_has "/proc/PID/map_files needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE"
	# root may open the mapping, and sees it all
	run -0 shmls -rnb -o ADDRESS,SIZE,OWNER
	assert_output "deleted:$pid:$range 8192 nobody"
}
