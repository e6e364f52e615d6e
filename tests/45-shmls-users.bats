#!/usr/bin/env bats
# 45-shmls-users.bats - shmls and the processes that use segments: NATTCH,
# PIDS and COMMAND of every kind, memfds as a third kind, the filters
# (--memfd, -u, --unused, --orphans, --older-than), --sort, --summary,
# --limits, and the view of a user who cannot see everyone's processes,
# where unknown is not zero.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
	restore_sysctls
	cleanup_nobody
}

# --- local helpers -------------------------------------------------------

# make_one_of_each MEMFD-NAME TEXT: a System V segment $key and a POSIX
# object $name of 1K, and a memfd_holder MEMFD-NAME holding TEXT at $ADDR.
make_one_of_each() {
	make_key_and_name
	start_memfd "$1" "$2"
}

HIDDEN_NOTE="cannot be seen"

# --- who uses a segment ------------------------------------------------------

@test "a POSIX object posix_writer maps: NATTCH 1, PIDS its pid, COMMAND posix_writer" {
	need_full_scan
	name=$(new_name)
	start_posix "$name" "mapped"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND "$name"
	assert_output "$name 1 $PID posix_writer"
	assert_equal "$stderr" ""
	run -0 shmls -rn -o TYPE,ADDRESS,NATTCH,PIDS,COMMAND --posix
	assert_line "posix $name 1 $PID posix_writer"
	# -o +PIDS,COMMAND adds them to the default columns.
	run -0 shmls -r -o +PIDS,COMMAND "$name"
	assert_equal "$(awk '{ print $(NF-1), $NF }' <<<"${lines[0]}")" \
	    "PIDS COMMAND"
	assert_equal "$(awk '{ print $(NF-1), $NF }' <<<"${lines[1]}")" \
	    "$PID posix_writer"
}

@test "JSON: NATTCH is a number, PIDS an array of numbers, COMMAND an array of strings" {
	need_full_scan
	name=$(new_name)
	start_posix "$name" "json"
	run --separate-stderr -0 shmls -J -o ADDRESS,NATTCH,PIDS,COMMAND "$name"
	jq -e . >/dev/null <<<"$output"
	assert_equal "$(jq -r '.shm[0].pids[0] | type' <<<"$output")" number
	jq -e --arg name "$name" --argjson pid "$PID" '
	    .shm[0] | .address == $name and .nattch == 1 and
	        .pids == [$pid] and .command == ["posix_writer"]
	' <<<"$output" || fail "$output"
}

@test "two processes mapping one POSIX object: NATTCH 2, both PIDS in increasing order" {
	need_full_scan
	name=$(new_name)
	start_posix "$name" "first"
	p1=$PID
	start_posix "$name" "second"
	p2=$PID
	pids=$(printf '%s\n' "$p1" "$p2" | sort -n | paste -sd,)
	run -0 shmls -rn -o NATTCH,PIDS,COMMAND "$name"
	assert_output "2 $pids posix_writer,posix_writer"
	run -0 shmls -J -o NATTCH,PIDS,COMMAND "$name"
	jq -e --argjson p1 "$p1" --argjson p2 "$p2" '
	    .shm[0] | .nattch == 2 and .pids == ([$p1, $p2] | sort) and
	        .command == ["posix_writer", "posix_writer"]
	' <<<"$output" || fail "$output"
}

@test "a process that holds a POSIX object open without mapping it uses it too" {
	need_full_scan
	name=$(new_name)
	shmmk -s 4K "$name"
	start_holder holder "/dev/shm$name"
	run -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND "$name"
	assert_output "$name 1 $holder sleep"
	run -0 shmls -rn -o ADDRESS --unused
	refute_listed "$name"
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$name"
}

@test "a System V segment with shmid 0, the first of an IPC namespace, shows who is attached" {
	unshare --ipc true 2>/dev/null || skip "cannot make an IPC namespace"
	# A fresh IPC namespace, so that the segment gets shmid 0.
	run -0 unshare --ipc bash -c '
		sysv_writer 5e000000 4096 zero "$1" &
		tries=100
		while [[ ! -e $1 ]] && (( tries-- > 0 )); do sleep 0.05; done
		echo "writer $!"
		shmls -rn -o ID,NATTCH,PIDS,COMMAND
		kill $!
		wait' _ "$BATS_TEST_TMPDIR/ready"
	pid=$(awk '$1 == "writer" { print $2 }' <<<"$output")
	assert_line "0 1 $pid sysv_writer"
}

@test "a file file_writer maps: NATTCH 1 and its pid" {
	need_full_scan
	path=$BATS_TEST_TMPDIR/mapped
	start_file "$path" "file text"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "file:$path"
	assert_output "file:$path 1 $PID"
	run -0 shmls -rn -o TYPE,COMMAND "file:$path"
	assert_output "file file_writer"
}

@test "segments nobody uses: NATTCH 0 and no PIDS, of a POSIX object, a System V segment, a file" {
	need_full_scan
	name=$(new_name)
	key=$(new_key)
	path=$BATS_TEST_TMPDIR/plain
	shmmk -s 4K "$name"
	shmmk -s 4K "$key"
	shmmk -s 4K "file:$path"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND \
	    "$name" "$key" "file:$path"
	assert_output "$(printf '%s 0  \n%s 0  \nfile:%s 0  ' "$name" "$key" "$path")"
	assert_equal "$stderr" ""
}

@test "a System V segment sysv_writer is attached to: NATTCH 1, PIDS its pid, COMMAND sysv_writer" {
	need_full_scan
	key=$(new_key)
	start_sysv "$key" "attached"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND "$key"
	assert_output "$key 1 $PID sysv_writer"
	run -0 shmls -rn -o ADDRESS,NATTCH,PIDS,COMMAND --sysv
	assert_line "$key 1 $PID sysv_writer"
	run -0 shmls -J -o ADDRESS,NATTCH,PIDS,COMMAND "$key"
	jq -e --argjson pid "$PID" \
	    '.shm[0] | .nattch == 1 and .pids == [$pid] and .command == ["sysv_writer"]' \
	    <<<"$output" || fail "$output"
}

@test "JSON: PIDS and COMMAND of a segment nobody uses are empty arrays" {
	need_full_scan
	make_key_and_name 4K
	run -0 shmls -J -o ADDRESS,NATTCH,PIDS,COMMAND "$name" "$key"
	jq -e 'all(.shm[]; .nattch == 0 and .pids == [] and .command == [])' \
	    <<<"$output" || fail "$output"
}

@test "the users of a System V segment go when its writer exits; the data stays" {
	need_full_scan
	key=$(new_key)
	start_sysv "$key" "left behind"
	stop_clients
	run -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$key"
	assert_output "$key 0 "
	run -0 shmcat -s "$key"
	assert_output "left behind"
}

# --- memfds --------------------------------------------------------------------

@test "a memfd is listed as TYPE memfd with ADDRESS memfd:PID:FD, its NAME, SIZE and holder" {
	need_full_scan
	start_memfd shmt-memfd "memfd text" 4096
	run --separate-stderr -0 shmls -rn -b \
	    -o TYPE,ADDRESS,NAME,SIZE,NATTCH,PIDS,COMMAND --memfd
	assert_line "memfd $ADDR shmt-memfd 4096 1 $PID memfd_holder"
	# It is listed by default, with the other kinds.
	run -0 shmls -rn -o TYPE,ADDRESS
	assert_line "memfd $ADDR"
	# And by its ADDRESS.
	run -0 shmls -rn -b -o TYPE,ADDRESS,NAME,SIZE "$ADDR"
	assert_output "memfd $ADDR shmt-memfd 4096"
	run -0 shmls -J -o TYPE,ADDRESS,NAME,SIZE,NATTCH,PIDS "$ADDR"
	jq -e --arg a "$ADDR" --argjson pid "$PID" '
	    .shm[0] | .type == "memfd" and .address == $a and
	        .name == "shmt-memfd" and .size == 4096 and .nattch == 1 and
	        .pids == [$pid]
	' <<<"$output" || fail "$output"
}

@test "a memfd's ADDRESS works with shmcat, shmput and shmresize" {
	need_full_scan
	start_memfd shmt-memfd "read me" 4096
	run -0 shmls -rn -o ADDRESS --memfd
	assert_line "$ADDR"
	run -0 shmcat -s "$ADDR"
	assert_output "read me"
	shmput --zero-rest -d "written by shmput" "$ADDR"
	client_sees
	assert_output "written by shmput"
	run -0 shmcat -s "$ADDR"
	assert_output "written by shmput"
	shmresize "$ADDR" 8K >/dev/null
	run -0 shmls -rn -b -o SIZE "$ADDR"
	assert_output 8192
	shmresize "$ADDR" +4K >/dev/null
	run -0 shmls -rn -b -o ADDRESS,SIZE --memfd
	assert_line "$ADDR 12288"
	client_sees
	assert_output "written by shmput"
}

@test "a memfd is no longer listed once its holder exits" {
	need_full_scan
	start_memfd shmt-memfd "short-lived"
	run -0 shmls -rn -o ADDRESS --memfd
	assert_line "$ADDR"
	stop_clients
	run -0 shmls -rn -o ADDRESS --memfd
	refute_listed "$ADDR"
	run -0 shmls -rn -o ADDRESS
	refute_listed "$ADDR"
	run -1 --separate-stderr shmls "$ADDR"
	assert_stderr_has "shmls: $ADDR: "
}

@test "a memfd two processes hold is listed once, by its first holder, with both" {
	need_full_scan
	start_memfd shmt-shared "shared"
	# A second holder opens it through the first one's descriptor.
	start_holder holder "/proc/$PID/fd/$FD"
	(( holder > PID )) || skip "pids wrapped around"
	run -0 shmls -rn -o ADDRESS,NAME,NATTCH,PIDS,COMMAND --memfd
	assert_line "$ADDR shmt-shared 2 $PID,$holder memfd_holder,sleep"
	assert_equal "$(grep -c ' shmt-shared ' <<<"$output")" 1
}

# --- kinds ----------------------------------------------------------------------

@test "--memfd, --sysv and --posix list only their kind; together, each of theirs" {
	need_full_scan
	make_one_of_each shmt-kinds "kinds"
	run -0 shmls -rn -o TYPE,ADDRESS --memfd
	assert_line "memfd $ADDR"
	refute_listed --regexp '^(sysv|posix|file) '
	run -0 shmls -rn -o TYPE,ADDRESS --sysv
	assert_line "sysv $key"
	refute_listed --regexp '^(posix|memfd|file) '
	run -0 shmls -rn -o TYPE,ADDRESS --posix
	assert_line "posix $name"
	refute_listed --regexp '^(sysv|memfd|file) '
	run -0 shmls -rn -o TYPE,ADDRESS --sysv --memfd
	assert_line "sysv $key"
	assert_line "memfd $ADDR"
	refute_listed --regexp '^posix '
	run -0 shmls -rn -o TYPE,ADDRESS --posix --memfd --sysv
	assert_line "sysv $key"
	assert_line "posix $name"
	assert_line "memfd $ADDR"
}

@test "without operands: System V first, by id, then POSIX by name, then memfds" {
	skip_unless_hermetic "needs an otherwise empty namespace"
	k1=$(new_key)
	k2=$(new_key)
	shmmk -s 1K "$k1"
	shmmk -s 1K "$k2"
	shmmk /shmt-b
	shmmk /shmt-a
	start_memfd shmt-order "order"
	run -0 shmls -rn -o TYPE,ADDRESS
	ids=$(printf '%s %s\n%s %s\n' "$(sysv_id "$k1")" "$k1" \
	    "$(sysv_id "$k2")" "$k2" | sort -n | awk '{ print "sysv", $2 }')
	assert_output "$(printf '%s\nposix /shmt-a\nposix /shmt-b\nmemfd %s' \
	    "$ids" "$ADDR")"
}

@test "filters and ADDRESS operands exclude each other" {
	name=$(new_name)
	shmmk "$name"
	for f in --memfd --unused --orphans "--older-than 1h" "-u 0"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 shmls $f "$name"
		assert_output ""
		assert_stderr_has "Try 'shmls --help'."
	done
}

# --- -u USER --------------------------------------------------------------------------

@test "-u root and -u 0 list root's segments of every kind" {
	need_full_scan
	need_root
	make_one_of_each shmt-user "user"
	run -0 shmls -rn -o ADDRESS,UID -u root
	assert_line "$key 0"
	assert_line "$name 0"
	assert_line "$ADDR 0"
	root=$output
	run -0 shmls -rn -o ADDRESS,UID -u 0
	assert_output "$root"
	run -0 shmls -rn -o ADDRESS,UID --user=root
	assert_output "$root"
	refute_listed --regexp ' [1-9][0-9]*$'
}

@test "-u lists a user's segments and not another's, by name or by uid" {
	need_nobody
	mine=$(new_name)
	shmmk -s 1K "$mine"
	theirs=$(new_name)
	key=$(new_key)
	as_nobody shmmk -s 1K "$theirs"
	as_nobody shmmk -s 1K "$key"
	run -0 shmls -rn -o ADDRESS,OWNER -u nobody
	assert_line "$theirs nobody"
	assert_line "$key nobody"
	refute_listed --regexp "^$mine "
	nobody=$output
	run -0 shmls -rn -o ADDRESS,OWNER -u 65534
	assert_output "$nobody"
	run -0 shmls -rn -o ADDRESS -u root
	assert_line "$mine"
	refute_listed "$theirs"
	refute_listed "$key"
	# A uid nobody has is a user with no segments.
	run -0 shmls -rn -o ADDRESS -u 4000000
	assert_output ""
}

@test "-u with a user that does not exist is a usage error" {
	run --separate-stderr -2 shmls -u nosuchuser
	assert_output ""
	assert_stderr_has "nosuchuser"
	assert_stderr_has "Try 'shmls --help'."
	run --separate-stderr -2 shmls --user=nosuchuser --sysv
	assert_output ""
	run --separate-stderr -2 shmls -u ''
	assert_output ""
	run --separate-stderr -2 shmls -u
	assert_output ""
}

# --- --unused ---------------------------------------------------------------------

@test "--unused lists the unused segments of each kind and none in use" {
	need_full_scan
	free_key=$(new_key)
	free_name=$(new_name)
	shmmk -s 1K "$free_key"
	shmmk -s 1K "$free_name"
	used_key=$(new_key)
	start_sysv "$used_key" "in use"
	used_name=$(new_name)
	start_posix "$used_name" "in use"
	start_memfd shmt-unused "in use"
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH --unused
	assert_line "$free_key 0"
	assert_line "$free_name 0"
	refute_listed --partial "$used_key"
	refute_listed --partial "$used_name"
	refute_listed --partial "$ADDR"
	refute_listed --regexp ' [^0]'
	run -0 shmls -rn -o ADDRESS --unused --posix
	assert_line "$free_name"
	refute_listed "$free_key"
	run -0 shmls -rn -o ADDRESS --unused --sysv
	assert_line "$free_key"
	refute_listed "$free_name"
	# A memfd always has a holder.
	run -0 shmls -rn -o ADDRESS --unused --memfd
	refute_listed "$ADDR"
}

# --- --orphans --------------------------------------------------------------------

@test "--orphans: a System V segment whose creator has exited, with NATTCH 0, is an orphan" {
	key=$(new_key)
	shmmk -s 1K "$key"
	run -0 shmls -rn -o NATTCH,CPID "$key"
	read -r nattch cpid <<<"$output"
	[[ $cpid =~ ^[0-9]+$ ]] || fail "CPID: '$output'"
	! kill -0 "$cpid" 2>/dev/null || fail "shmmk $cpid still runs"
	assert_equal "$nattch" 0
	run -0 shmls -rn -o ADDRESS --orphans
	assert_line "$key"
	run -0 shmls -rn -o ADDRESS --orphans --sysv
	assert_line "$key"
	run -0 shmls -rn -o ADDRESS --orphans --posix
	refute_listed "$key"
}

@test "--orphans: a System V segment sysv_writer is attached to is not; once it exits, it is" {
	key=$(new_key)
	start_sysv "$key" "attached"
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$key"
	run -0 shmls -rn -o ADDRESS --unused
	refute_listed "$key"
	stop_clients
	run -0 shmls -rn -o ADDRESS --orphans
	assert_line "$key"
}

@test "--orphans: an unused System V segment whose creator still runs is not an orphan" {
	key=$(new_key)
	# Creates the segment and never attaches it: CPID runs, NATTCH 0.
	start_creator "$key"
	creator=$PID
	run -0 shmls -rn -o ADDRESS,NATTCH,CPID "$key"
	assert_output "$key 0 $creator"
	run -0 shmls -rn -o ADDRESS --unused
	assert_line "$key"
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$key"
	stop_clients
	run -0 shmls -rn -o ADDRESS --orphans
	assert_line "$key"
}

@test "--orphans: a POSIX object nobody maps is an orphan; one posix_writer maps is not" {
	need_full_scan
	lonely=$(new_name)
	shmmk -s 1K "$lonely"
	mapped=$(new_name)
	start_posix "$mapped" "mapped"
	run --separate-stderr -0 shmls -rn -o ADDRESS --orphans
	assert_line "$lonely"
	refute_listed "$mapped"
	run -0 shmls -rn -o ADDRESS --orphans --posix
	assert_line "$lonely"
	refute_listed "$mapped"
	stop_clients
	run -0 shmls -rn -o ADDRESS --orphans
	assert_line "$lonely"
	assert_line "$mapped"
}

@test "--orphans never lists a memfd" {
	need_full_scan
	start_memfd shmt-orphan "held"
	run -0 shmls -rn -o ADDRESS --orphans
	refute_listed "$ADDR"
	run -0 shmls -rn -o ADDRESS --orphans --memfd
	assert_output ""
}

# --- --older-than -------------------------------------------------------------------

@test "--older-than 1h leaves out fresh segments of every kind" {
	need_full_scan
	make_one_of_each shmt-fresh "fresh"
	run --separate-stderr -0 shmls -rn -o ADDRESS --older-than 1h
	refute_listed "$key"
	refute_listed "$name"
	refute_listed "$ADDR"
	run -0 shmls -rn -o ADDRESS --older-than 2d --sysv
	refute_listed "$key"
}

@test "--older-than 0s lists fresh segments, and 1s does a second later" {
	need_full_scan
	make_one_of_each shmt-aging "aging"
	run -0 shmls -rn -o ADDRESS --older-than 0s
	assert_line "$key"
	assert_line "$name"
	assert_line "$ADDR"
	run -0 shmls -rn -o ADDRESS --older-than 0
	assert_line "$key"
	sleep 1.1
	run -0 shmls -rn -o ADDRESS --older-than 1s
	assert_line "$key"
	assert_line "$name"
	assert_line "$ADDR"
	run -0 shmls -rn -o ADDRESS --older-than=1s --posix
	assert_line "$name"
	refute_listed "$key"
}

@test "--older-than takes a number and one unit s, m, h, d or w" {
	for d in 90 90s 10m 2h 3d 1w; do
		run --separate-stderr -0 shmls -rn --older-than "$d"
	done
}

@test "--older-than with a bad DURATION is a usage error" {
	for d in 10x -5m m '' 1.5h '5 m' 1hh +5m 5M; do
		run --separate-stderr -2 shmls --older-than "$d"
		[[ -z $output ]] || fail "--older-than '$d' wrote: $output"
		[[ ${stderr##*$'\n'} == "Try 'shmls --help'." ]] ||
		    fail "--older-than '$d': stderr: $stderr"
	done
	run --separate-stderr -2 shmls --older-than
	assert_output ""
}

# --- --sort ----------------------------------------------------------------------------

@test "operands are listed in the order given; --sort SIZE orders them by size" {
	a=$(new_name)
	b=$(new_name)
	c=$(new_name)
	key=$(new_key)
	shmmk -s 3K "$a"
	shmmk -s 1K "$b"
	shmmk -s 2K "$c"
	shmmk -s 1500 "$key"
	run -0 shmls -rn -b -o ADDRESS,SIZE "$a" "$b" "$c" "$key"
	assert_output "$(printf '%s 3072\n%s 1024\n%s 2048\n%s 1500' \
	    "$a" "$b" "$c" "$key")"
	expected=$(printf '%s 1024\n%s 1500\n%s 2048\n%s 3072' \
	    "$b" "$key" "$c" "$a")
	run -0 shmls -rn -b -o ADDRESS,SIZE --sort SIZE "$a" "$b" "$c" "$key"
	assert_output "$expected"
	run -0 shmls -rn -b -o ADDRESS,SIZE --sort=size "$c" "$key" "$a" "$b"
	assert_output "$expected"
	# The column need not be shown.
	run -0 shmls -rn -o ADDRESS --sort SIZE "$a" "$b" "$c" "$key"
	assert_output "$(printf '%s\n%s\n%s\n%s' "$b" "$key" "$c" "$a")"
}

@test "--sort SIZE orders the whole listing by size" {
	skip_unless_hermetic "needs an otherwise empty namespace"
	shmmk -s 3K /shmt-three
	shmmk -s 1K /shmt-one
	shmmk -s 2K 0x5e0000f2
	run -0 shmls -rn -b -o SIZE --sort SIZE
	assert_output "$(printf '1024\n2048\n3072')"
}

@test "--sort NAME orders by name" {
	base=$(new_name)
	for s in c a b; do
		track "$base-$s"
		shmmk "$base-$s"
	done
	run -0 shmls -rn -o ADDRESS --sort NAME "$base-c" "$base-a" "$base-b"
	assert_output "$(printf '%s-a\n%s-b\n%s-c' "$base" "$base" "$base")"
}

@test "--sort with an unknown column is a usage error" {
	run --separate-stderr -2 shmls --sort NOSUCH
	assert_output ""
	assert_stderr_has "NOSUCH"
	assert_stderr_has "Try 'shmls --help'."
	run --separate-stderr -2 shmls --sort
	assert_output ""
}

# --- --summary ------------------------------------------------------------------------

# make_summary_set: System V $k1 (1000 bytes) and $k2 (3000), POSIX $name
# (5000), and a memfd of 4096 at $ADDR, for the --summary counts.
make_summary_set() {
	k1=$(new_key)
	k2=$(new_key)
	name=$(new_name)
	shmmk -s 1000 "$k1"
	shmmk -s 3000 "$k2"
	shmmk -s 5000 "$name"
	start_memfd shmt-summary "counted" 4096
}

@test "--summary counts segments and bytes per kind" {
	need_full_scan
	make_summary_set
	run --separate-stderr -0 shmls --summary -r
	assert_equal "${lines[0]}" "TYPE COUNT SIZE RSS SWAP SHMEM"
	run -0 shmls --summary -rnb
	# SWAP: the System V table has it; a tmpfs file's own count of
	# swapped pages tells the others' (0 with no swap in use).  SHMEM
	# and its rows: 58-shmem-reconcile.bats.
	assert_line --regexp '^sysv 2 4000 [0-9]+ [0-9]+ [0-9]+$'
	assert_line --regexp '^posix 1 5000 [0-9]+ [0-9]+ [0-9]+$'
	assert_line --regexp '^memfd 1 4096 [0-9]+ [0-9]+ [0-9]+$'
	assert_line --regexp '^anon 0 0 0 0 0$'
	assert_equal "${#lines[@]}" 7
	run -0 shmls --summary -rn
	assert_line --regexp '^sysv 2 3\.9K '
	# The same by ADDRESS operands, wherever it runs.
	run -0 shmls --summary -rnb "$k1" "$k2" "$name" "$ADDR"
	assert_line --regexp '^sysv 2 4000 '
	assert_line --regexp '^posix 1 5000 '
	assert_line --regexp '^memfd 1 4096 '
	# The kinds chosen, and the filters.
	run -0 shmls --summary -rnb --sysv
	assert_output --regexp '^sysv 2 4000 [0-9]+ 0$'
	run -0 shmls --summary -rnb --posix --memfd --older-than 1h
	assert_output "$(printf 'posix 0 0 0 0\nmemfd 0 0 0 0')"
}

@test "--summary -J is typed: COUNT, SIZE and RSS are numbers" {
	need_full_scan
	make_summary_set
	run -0 shmls --summary -J
	jq -e '
	    (.shm[:3] | map({(.type): [.count, .size]}) | add) ==
	        {"sysv": [2, 4000], "posix": [1, 5000], "memfd": [1, 4096]} and
	    all(.shm[:3][]; (.type | type) == "string" and
	        (.count | type) == "number" and (.size | type) == "number" and
	        (.rss | type) == "number") and
	    all(.shm[:3][]; (.swap | type) == "number")
	' <<<"$output" || fail "$output"
}

# --- --limits -------------------------------------------------------------------------

# limit NAME: the VALUE of the --limits line NAME, from shmls -J -b.
limit() {
	shmls --limits -J -b | jq -r --arg n "$1" '.shm[] | select(.limit == $n) | .value'
}

set_limits() {	# SHMMAX SHMALL SHMMNI
	local f
	for f in shmmax shmall shmmni; do
		[[ -f $BATS_TEST_TMPDIR/$f ]] ||
		    cat "/proc/sys/kernel/$f" >"$BATS_TEST_TMPDIR/$f"
	done
	sysctl -q -w kernel.shmmax="$1" kernel.shmall="$2" kernel.shmmni="$3"
}

@test "--limits shows kernel.shmmax, shmall and shmmni as /proc/sys/kernel has them" {
	skip_unless_hermetic "changes kernel.shm*"
	set_limits 1073741824 262144 1000
	run --separate-stderr -0 shmls --limits -r
	assert_equal "${lines[0]}" "LIMIT VALUE USED USE% DESCRIPTION"
	run -0 shmls --limits -rnb
	for f in shmmax shmall shmmni; do
		assert_line --regexp "^kernel\\.$f $(cat /proc/sys/kernel/$f) "
	done
	run -0 shmls --limits -rn
	assert_line --regexp '^kernel\.shmmax 1\.0G '
	assert_line --regexp '^kernel\.shmall 262144 '
	assert_line --regexp '^kernel\.shmmni 1000 '
	run -0 shmls --limits -J
	jq -e '
	    (.shm | map({(.limit): .value}) | add) as $l |
	    $l["kernel.shmmax"] == 1073741824 and
	    $l["kernel.shmall"] == 262144 and $l["kernel.shmmni"] == 1000 and
	    all(.shm[]; (.value | type) == "number")
	' <<<"$output" || fail "$output"
}

@test "--limits shows the size of /dev/shm and its free space" {
	read -r blocks bfree bsize < <(stat -f -c '%b %a %S' /dev/shm)
	assert_equal "$(limit '/dev/shm size')" "$(( blocks * bsize ))"
	free=$(limit '/dev/shm free')
	(( free <= blocks * bsize && free >= 0 )) || fail "free: $free"
	if [[ $SHMT_HERMETIC == 1 ]]; then
		assert_equal "$free" "$(( bfree * bsize ))"
	fi
}

@test "--limits -b prints the kernel's default limits exactly, above 2^63" {
	skip_unless_hermetic "changes kernel.shm*"
	# The defaults: ULONG_MAX - 2^24 bytes, and as many pages.
	set_limits 18446744073692774399 18446744073692774399 4096
	run -0 shmls --limits -rnb
	assert_line --regexp '^kernel\.shmmax 18446744073692774399 '
	assert_line --regexp '^kernel\.shmall 18446744073692774399 '
}

@test "--limits takes no filter or ADDRESS, and not --summary" {
	name=$(new_name)
	shmmk "$name"
	for args in "--limits $name" "--limits --sysv" "--limits --unused" \
	    "--limits --summary" "--summary --limits"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 shmls $args
		[[ -z $output ]] || fail "shmls $args wrote: $output"
		[[ $stderr == *"Try 'shmls --help'."* ]] ||
		    fail "shmls $args: stderr: $stderr"
	done
}

# --- the view of a user who cannot see every process -------------------------------

@test "as nobody, a POSIX object root's posix_writer maps has NATTCH ?, and stderr says why" {
	need_full_scan
	need_nobody
	name=$(new_name)
	start_posix "$name" "root's"
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name ? ?"
	assert_stderr_has "$HIDDEN_NOTE"
	run --separate-stderr -0 as_nobody shmls --posix
	assert_line --regexp "^posix +$name +8(\\.0)?K +root +rw------- +\\? "
	assert_stderr_has "$HIDDEN_NOTE"
	run --separate-stderr -0 as_nobody shmls -J -o ADDRESS,NATTCH "$name"
	jq -e --arg name "$name" \
	    '.shm[0] | .address == $name and .nattch == null' <<<"$output" ||
	    fail "$output"
	# Root sees it.
	run --separate-stderr -0 shmls -rn -o ADDRESS,NATTCH,PIDS "$name"
	assert_output "$name 1 $PID"
	assert_equal "$stderr" ""
}

@test "as nobody, --unused and --orphans list no POSIX object of root's, mapped or not" {
	need_full_scan
	need_nobody
	mapped=$(new_name)
	start_posix "$mapped" "root's"
	lonely=$(new_name)
	shmmk -s 1K "$lonely"
	for filter in --unused --orphans; do
		run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS $filter
		refute_listed "$mapped"
		refute_listed "$lonely"
		run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS $filter --posix
		refute_listed "$mapped"
		refute_listed "$lonely"
		# Root, who sees every process, knows the lonely one is unused.
		run -0 shmls -rn -o ADDRESS $filter
		assert_line "$lonely"
		refute_listed "$mapped"
	done
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,NATTCH "$lonely"
	assert_output "$lonely ?"
}

@test "as nobody, System V NATTCH is still the kernel's number" {
	need_nobody
	used=$(new_key)
	start_sysv "$used" "root's"
	free=$(new_key)
	shmmk -s 1K "$free"
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS,NATTCH "$used" "$free"
	assert_output "$(printf '%s 1\n%s 0' "$used" "$free")"
	run --separate-stderr -0 as_nobody shmls -J -o ADDRESS,NATTCH --sysv
	jq -e --arg used "$used" --arg free "$free" '
	    (.shm[] | select(.address == $used) | .nattch == 1) and
	    (.shm[] | select(.address == $free) | .nattch == 0)
	' <<<"$output" || fail "$output"
	# Known to be unused, and its creator (shmmk) is gone.
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS --unused
	assert_line "$free"
	refute_listed "$used"
	run --separate-stderr -0 as_nobody shmls -rn -o ADDRESS --orphans
	assert_line "$free"
	refute_listed "$used"
}

# --- round trip --------------------------------------------------------------------------

@test "every ADDRESS shmls prints, of every kind, reads back with shmcat" {
	need_full_scan
	key=$(new_key)
	start_sysv "$key" "text of sysv"
	name=$(new_name)
	start_posix "$name" "text of posix"
	start_memfd shmt-trip "text of memfd"
	path=$BATS_TEST_TMPDIR/mapped
	start_file "$path" "text of file"
	priv=$(shmmk --private -s 1K)
	track "$priv"
	shmput -d "text of private" "$priv"
	run -0 shmls -rn -o ADDRESS
	listed=$output
	run -0 shmls -rn -o ADDRESS "file:$path"
	listed+=$'\n'$output
	for a in "$key" "$name" "$ADDR" "file:$path" "$priv"; do
		grep -qxF -- "$a" <<<"$listed" || fail "$a not listed: $listed"
	done
	while IFS= read -r a; do
		run -0 shmcat -s "$a"
		case $a in
		"$key") assert_output "text of sysv" ;;
		"$name") assert_output "text of posix" ;;
		"$ADDR") assert_output "text of memfd" ;;
		"file:$path") assert_output "text of file" ;;
		"$priv") assert_output "text of private" ;;
		*) fail "unexpected segment $a" ;;
		esac
	done <<<"$listed"
	assert_equal "$(wc -l <<<"$listed")" 5
}

@test "--limits: USED and USE% as the kernel counts them (whole pages per segment)" {
	skip_unless_hermetic "changes kernel.shm* and needs an empty table"
	set_limits 1073741824 1000 10
	shmmk -s 1 0x5e0a0001 >/dev/null
	shmmk -s 4097 0x5e0a0002 >/dev/null
	shmmk -s 100000 0x5e0a0003 >/dev/null
	pages=$(( 1 + 2 + (100000 + 4095) / 4096 ))
	run -0 shmls --limits -rnb
	assert_line 'kernel.shmmni 10 3 30% System\x20V\x20segments'
	assert_line --regexp "^kernel\.shmall 1000 $pages [0-9]+% "
	assert_line --regexp "^kernel\.shmmax 1073741824 100000 0% "
	run -0 shmls --limits -J
	jq -e --argjson p "$pages" '
	    (.shm | map({(.limit): [.used, .["use%"]]}) | add) as $l |
	    $l["kernel.shmmni"] == [3, 30] and $l["kernel.shmall"][0] == $p and
	    ($l["kernel.shmall"][1] | type) == "number" and
	    $l["/dev/shm free"] == [null, null]
	' <<<"$output" || fail "$output"
	ipcrm -M 0x5e0a0001 -M 0x5e0a0002 -M 0x5e0a0003
}

@test "SWAP: a System V segment's from the table, named or listed; a POSIX object's own" {
	key=$(new_key)
	shmmk -s 64K "$key" >/dev/null
	name=$(new_name)
	shmmk -s 4K "$name" >/dev/null
	run -0 shmls -rnb -o ADDRESS,RSS,SWAP "$key" "$name"
	assert_line --regexp "^$key [0-9]+ [0-9]+\$"
	# Nothing written, nothing allocated: nothing resident or swapped.
	assert_line "$name 0 0"
	run -0 shmls -rnb -o ADDRESS,SWAP --sysv
	assert_line --regexp "^$key [0-9]+\$"
	run -0 shmls -J -o ADDRESS,SWAP "$name"
	assert_equal "$(jq -c '.shm[0].swap' <<<"$output")" 0
}
