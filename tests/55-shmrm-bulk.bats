#!/usr/bin/env bats
# 55-shmrm-bulk.bats - shmrm's bulk mode: --orphans, --unused,
# --older-than, -u and --all remove exactly what they select and keep the
# rest; a segment in use, or whose use cannot be seen, is kept without -f;
# -n removes nothing and prints shmls's raw rows; the summary counts right;
# a usage error removes nothing.
#
# Every test runs only in the private namespaces of tests/run-bats: a bulk
# removal outside them would remove the machine's real segments.

load test_helper

setup() {
	require_hermetic "a bulk removal"
}

teardown() {
	stop_clients
	cleanup_segments
	cleanup_nobody
}

# --- local helpers -------------------------------------------------------

# sysv_status ID: ipcs's status column of shmid ID ("dest" or empty).
sysv_status() {
	ipcs -m | awk -v id="$1" '$2 == id { print $7 }'
}

# check_keeps_to_kind MODE: shmrm MODE --sysv removes a System V segment of
# 1K and keeps a POSIX one, and shmrm --posix MODE the other way round.
check_keeps_to_kind() {
	local mode=$1 key name
	make_key_and_name
	run --separate-stderr -0 shmrm "$mode" --sysv
	assert_equal "$(summary)" "shmrm: removed 1 segment, 1024 bytes (1.0K)"
	assert_gone "$key"
	assert_kept "$name"
	key=$(new_key)
	shmmk -s 1K "$key"
	run --separate-stderr -0 shmrm --posix "$mode"
	assert_gone "$name"
	assert_kept "$key"
}

# start_in_use: a System V segment $attached that a sysv_writer is
# attached to, and a POSIX object $mapped that a posix_writer maps (the
# last client: client_sees asks it).
start_in_use() {
	attached=$(new_key)
	start_sysv "$attached" "attached"
	mapped=$(new_name)
	start_posix "$mapped" "mapped"
}

# The summary line: the last line of stderr.
summary() {
	printf '%s\n' "${stderr##*$'\n'}"
}

# --- --orphans ---------------------------------------------------------------

@test "--orphans removes the orphans of both kinds and nothing else" {
	orphan_key=$(new_key)
	shmmk -s 1K "$orphan_key"
	orphan_priv=$(shmmk --private -s 2K)
	orphan_name=$(new_name)
	shmmk -s 3K "$orphan_name"
	creator_runs=$(new_key)
	start_creator "$creator_runs"
	start_in_use
	file=$BATS_TEST_TMPDIR/file
	shmmk -s 1K "file:$file"

	run --separate-stderr -0 shmrm --orphans
	assert_output ""
	assert_equal "$(summary)" "shmrm: removed 3 segments, 6144 bytes (6.0K); kept 3 in use, of unknown use or not orphans"
	assert_gone "$orphan_key" "$orphan_priv" "$orphan_name"
	assert_kept "$attached" "$creator_runs" "$mapped"
	[[ -f $file ]] || fail "a file was removed in bulk"
	run -0 shmls -rn -o ADDRESS
	assert_equal "$(sort <<<"$output")" \
	    "$(printf '%s\n' "$attached" "$creator_runs" "$mapped" | sort)"
	# The clients still have their data.
	client_sees
	assert_output "mapped"
}

@test "--orphans keeps an object that a process opens and maps after the look, and removes the rest" {
	# shmrm stops (SIGSTOP) between its look at who uses what and the
	# removals; a program opens and maps one orphan then.  It is kept
	# (opens are watched; without a watch, the look is taken again).
	opened=$(new_name)
	shmmk -s 4K "$opened"
	other=$(new_name)
	shmmk -s 4K "$other"
	SHMTOOLS_TEST_STOP=listed shmrm -v --orphans \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	rm_pid=$!
	wait_until 10 eval "[[ \$(awk '{ print \$3 }' /proc/$rm_pid/stat) == T ]]"
	start_client w posix_writer "$opened" 4096 late "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	kill -CONT "$rm_pid"
	wait "$rm_pid"
	assert_kept "$opened"
	assert_gone "$other"
	run cat "$BATS_TEST_TMPDIR/out"
	assert_output "removed $other"
	run shmcat -s "$opened"
	assert_output "late"
}

@test "--orphans keeps a name made again after the look: it is another object, not the one judged" {
	name=$(new_name)
	shmmk -s 4K "$name"
	SHMTOOLS_TEST_STOP=listed shmrm -v --orphans \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	rm_pid=$!
	wait_until 10 eval "[[ \$(awk '{ print \$3 }' /proc/$rm_pid/stat) == T ]]"
	# The orphan listed goes; a new object takes its name.
	ino=$(stat -c %i "/dev/shm$name")
	rm -- "/dev/shm$name"
	printf new >"/dev/shm$name"
	[[ $(stat -c %i "/dev/shm$name") != "$ino" ]] || skip "the inode came back"
	kill -CONT "$rm_pid"
	wait "$rm_pid"
	assert_kept "$name"
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "$name: kept: replaced since it was listed"
}

@test "--orphans: once the creator or the user exits, its segment goes too" {
	start_in_use
	run --separate-stderr -0 shmrm --orphans
	assert_equal "$(summary)" "shmrm: removed 0 segments, 0 bytes (0B); kept 2 in use, of unknown use or not orphans"
	assert_kept "$attached" "$mapped"
	stop_clients
	run --separate-stderr -0 shmrm -v --orphans
	assert_equal "$(sort <<<"$output")" \
	    "$(printf 'removed %s\n' "$attached" "$mapped" | sort)"
	assert_equal "$(summary)" "shmrm: removed 2 segments, 12288 bytes (12K)"
	assert_gone "$attached" "$mapped"
}

@test "--orphans --sysv and --orphans --posix keep to their kind" {
	check_keeps_to_kind --orphans
}

# --- --unused ------------------------------------------------------------------

@test "--unused removes what no process uses, even if its creator runs, and keeps the rest" {
	free_key=$(new_key)
	shmmk -s 1K "$free_key"
	free_name=$(new_name)
	shmmk -s 1K "$free_name"
	creator_runs=$(new_key)
	start_creator "$creator_runs"
	start_in_use
	run --separate-stderr -0 shmrm -v --unused
	assert_equal "$(sort <<<"$output")" \
	    "$(printf 'removed %s\n' "$free_key" "$free_name" "$creator_runs" | sort)"
	assert_equal "$(summary)" "shmrm: removed 3 segments, 6144 bytes (6.0K); kept 2 in use or of unknown use"
	assert_gone "$free_key" "$free_name" "$creator_runs"
	assert_kept "$attached" "$mapped"
}

@test "--unused keeps a POSIX object a process holds open without mapping it" {
	name=$(new_name)
	shmmk -s 4K "$name"
	start_holder holder "/dev/shm$name"
	run --separate-stderr -0 shmrm --unused
	assert_kept "$name"
	run --separate-stderr -0 shmrm --orphans --posix
	assert_kept "$name"
}

# --- --older-than -----------------------------------------------------------------

@test "--older-than removes the segments changed longer ago, and keeps the fresh ones" {
	old_key=$(new_key)
	old_name=$(new_name)
	shmmk -s 1K "$old_key"
	shmmk -s 2K "$old_name"
	old_attached=$(new_key)
	start_sysv "$old_attached" "old and attached"
	sleep 3.1
	new_key_=$(new_key)
	new_name_=$(new_name)
	shmmk -s 1K "$new_key_"
	shmmk -s 1K "$new_name_"
	run --separate-stderr -0 shmrm --older-than 1h
	assert_equal "$(summary)" "shmrm: removed 0 segments, 0 bytes (0B)"
	assert_kept "$old_key" "$old_name" "$new_key_" "$new_name_"
	run --separate-stderr -0 shmrm -v --older-than 3s
	assert_equal "$(sort <<<"$output")" \
	    "$(printf 'removed %s\n' "$old_key" "$old_name" | sort)"
	assert_equal "$(summary)" "shmrm: removed 2 segments, 3072 bytes (3.0K); kept 1 in use or of unknown use (-f removes them)"
	assert_gone "$old_key" "$old_name"
	assert_kept "$new_key_" "$new_name_" "$old_attached"
}

@test "--older-than combines with the other filters" {
	old_key=$(new_key)
	old_name=$(new_name)
	shmmk -s 1K "$old_key"
	shmmk -s 1K "$old_name"
	sleep 2.1
	run --separate-stderr -0 shmrm --older-than=2s --posix --unused
	assert_gone "$old_name"
	assert_kept "$old_key"
	run --separate-stderr -0 shmrm --sysv --older-than 1d
	assert_kept "$old_key"
}

# --- -u USER ------------------------------------------------------------------------

@test "-u removes a user's segments, by name or by uid, and nobody else's" {
	need_nobody
	theirs=$(new_name)
	theirs_key=$(new_key)
	as_nobody shmmk -s 1K "$theirs"
	as_nobody shmmk -s 2K "$theirs_key"
	mine=$(new_name)
	mine_key=$(new_key)
	shmmk -s 1K "$mine"
	shmmk -s 1K "$mine_key"
	run -0 shmls -rn -o ADDRESS,OWNER "$theirs" "$theirs_key"
	assert_output "$(printf '%s nobody\n%s nobody' "$theirs" "$theirs_key")"
	run --separate-stderr -0 shmrm -v -u nobody
	assert_equal "$(sort <<<"$output")" \
	    "$(printf 'removed %s\n' "$theirs" "$theirs_key" | sort)"
	assert_equal "$(summary)" "shmrm: removed 2 segments, 3072 bytes (3.0K)"
	assert_gone "$theirs" "$theirs_key"
	assert_kept "$mine" "$mine_key"
	as_nobody shmmk -s 1K "$theirs"
	run --separate-stderr -0 shmrm --user=65534 --posix
	assert_gone "$theirs"
	assert_kept "$mine" "$mine_key"
	run --separate-stderr -0 shmrm -u 4000000
	assert_equal "$(summary)" "shmrm: removed 0 segments, 0 bytes (0B)"
	assert_kept "$mine" "$mine_key"
}

@test "-u keeps the user's segments that are in use" {
	key=$(new_key)
	start_sysv "$key" "root's, attached"
	name=$(new_name)
	start_posix "$name" "root's, mapped"
	free=$(new_name)
	shmmk -s 1K "$free"
	run --separate-stderr -0 shmrm -v -u root
	assert_output "removed $free"
	assert_stderr_has "shmrm: $key: kept: in use"
	assert_stderr_has "shmrm: $name: kept: in use"
	assert_equal "$(summary)" "shmrm: removed 1 segment, 1024 bytes (1.0K); kept 2 in use or of unknown use (-f removes them)"
	assert_gone "$free"
	assert_kept "$key" "$name"
}

# --- --all ----------------------------------------------------------------------------

@test "--all removes every segment no process uses, of both kinds" {
	keys=() names=()
	for i in 1 2 3; do
		keys+=("$(new_key)")
		names+=("$(new_name)")
		shmmk -s "${i}K" "${keys[-1]}"
		shmmk -s "${i}K" "${names[-1]}"
	done
	priv=$(shmmk --private -s 100)
	start_in_use
	run --separate-stderr -0 shmrm --all
	assert_output ""
	assert_equal "$(summary)" "shmrm: removed 7 segments, 12388 bytes (12K); kept 2 in use or of unknown use (-f removes them)"
	assert_gone "${keys[@]}" "${names[@]}" "$priv"
	assert_kept "$attached" "$mapped"
	assert_equal "$(ls -A /dev/shm)" "${mapped#/}"
	assert_equal "$(sysv_count)" 1
}

@test "--all --sysv and --all --posix keep to their kind" {
	check_keeps_to_kind --all
}

@test "nothing to remove: exit 0, nothing on stdout, a summary of 0" {
	run --separate-stderr -0 shmrm --all
	assert_output ""
	assert_equal "$stderr" "shmrm: removed 0 segments, 0 bytes (0B)"
	run --separate-stderr -0 shmrm -n --orphans
	assert_output ""
	assert_equal "$stderr" "shmrm: would remove 0 segments, 0 bytes (0B)"
}

# --- in use: kept without -f, removed with -f -------------------------------------

@test "without -f, an attached System V and a mapped POSIX segment are kept; -v says why" {
	start_in_use
	for filter in --all "-u root" "--user=0"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmrm -v $filter
		assert_output ""
		assert_stderr_has "shmrm: $attached: kept: in use"
		assert_stderr_has "shmrm: $mapped: kept: in use"
		assert_equal "$(summary)" "shmrm: removed 0 segments, 0 bytes (0B); kept 2 in use or of unknown use (-f removes them)"
		assert_kept "$attached" "$mapped"
	done
	run --separate-stderr -0 shmrm --all
	refute_output --partial kept
	[[ $stderr != *": kept: "* ]] || fail "kept notes without -v: $stderr"
}

@test "-f removes them: System V shows dest until its client exits, POSIX is unlinked" {
	key=$(new_key)
	start_sysv "$key" "attached"
	sysv_client=$PID
	id=$(sysv_id "$key")
	name=$(new_name)
	start_posix "$name" "mapped"
	run --separate-stderr -0 shmrm -f -v --all
	assert_equal "$(sort <<<"$output")" \
	    "$(printf 'removed %s\n' "$key" "$name" | sort)"
	assert_equal "$(summary)" "shmrm: removed 2 segments, 12288 bytes (12K)"
	# The key is free; the memory lives on, marked dest.
	assert_gone "$key"
	assert_equal "$(sysv_status "$id")" dest
	run -0 shmls -rn -o ADDRESS,NATTCH,STATUS "id:$id"
	assert_output "id:$id 1 dest"
	assert_gone "$name"
	# Both clients still see their data.
	client_sees
	assert_output "mapped"
	PID=$sysv_client ECHO=$BATS_TEST_TMPDIR/client1.echo client_sees
	assert_output "attached"
	stop_clients
	assert_gone "id:$id"
}

@test "-f with -u removes the user's segments in use too" {
	start_in_use
	run --separate-stderr -0 shmrm --force -u root
	assert_equal "$(summary)" "shmrm: removed 2 segments, 12288 bytes (12K)"
	assert_gone "$attached" "$mapped"
}

# --- -n ----------------------------------------------------------------------------------

@test "-n removes nothing and prints the rows as shmls -r prints them" {
	key=$(new_key)
	shmmk -s 1000 "$key"
	priv=$(shmmk --private -s 2000)
	name=$(new_name)
	shmmk -s 3000 "$name"
	attached=$(new_key)
	start_sysv "$attached" "attached"
	before=$(snapshot_segments)
	run --separate-stderr -0 shmrm -n --all
	assert_equal "${lines[0]}" "TYPE ADDRESS SIZE OWNER NATTCH"
	assert_equal "${#lines[@]}" 4
	rows=$(printf '%s\n' "${lines[@]:1}" | sort)
	assert_equal "$rows" "$(printf 'posix %s 3000 root 0\nsysv %s 1000 root 0\nsysv %s 2000 root 0' \
	    "$name" "$key" "$priv" | sort)"
	# The same rows as shmls prints for them.
	assert_equal "$rows" \
	    "$(shmls -rnb -o TYPE,ADDRESS,SIZE,OWNER,NATTCH "$key" "$priv" "$name" | sort)"
	assert_equal "$(summary)" "shmrm: would remove 3 segments, 6000 bytes (5.9K); kept 1 in use or of unknown use (-f removes them)"
	assert_equal "$(snapshot_segments)" "$before"
	# --dry-run is -n, and with -v it notes what it would keep.
	run --separate-stderr -0 shmrm --dry-run -v --all
	assert_equal "${#lines[@]}" 4
	assert_stderr_has "shmrm: $attached: kept: in use"
	assert_equal "$(snapshot_segments)" "$before"
	# With -f, it would remove the attached one too.
	run --separate-stderr -0 shmrm -n -f --all
	assert_equal "${#lines[@]}" 5
	assert_line "sysv $attached 4096 root 1"
	assert_equal "$(summary)" "shmrm: would remove 4 segments, 10096 bytes (9.9K)"
	assert_equal "$(snapshot_segments)" "$before"
}

@test "-n then the real run: the same segments, the same counts" {
	for i in 1 2 3; do
		shmmk -s 4K "$(new_name)"
		shmmk -s 4K "$(new_key)"
	done
	start_posix "$(new_name)" "kept"
	run --separate-stderr -0 shmrm -n --orphans
	would=$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort)
	would_summary=$(summary)
	run --separate-stderr -0 shmrm -v --orphans
	assert_equal "$(awk '{ print $2 }' <<<"$output" | sort)" "$would"
	assert_equal "$(summary)" "${would_summary/would remove/removed}"
	assert_equal "$(summary)" "shmrm: removed 6 segments, 24576 bytes (24K); kept 1 in use, of unknown use or not orphans"
}

@test "-n escapes names as shmls -r does" {
	name="/$(printf 'a b\tc')"
	track "$name"
	shmmk -s 1K "$name"
	run --separate-stderr -0 shmrm -n --all
	assert_line 'posix /a\x20b\x09c 1024 root 0'
	assert_kept "$name"
}

# --- the view of a user who cannot see every process -----------------------------------

@test "-n prints the very rows shmls -rb prints, for names with quotes, blanks and bytes that are not UTF-8" {
	key=$(new_key)
	shmmk -s 1000 "$key"
	priv=$(shmmk --private -s 2000)
	names=("/q\"uo'te" "/a b" "/$(printf 'bad\xff\xc3x')" "/$(printf 't\tn')" \
	    "/é中")
	for n in "${names[@]}"; do
		track "$n"
		shmmk -s 7 "$n"
	done
	attached=$(new_key)
	start_sysv "$attached" "attached"
	# shmrm's selection, and the same one for shmls (--all: the unused).
	for pair in "--all|--unused" "--orphans|--orphans" \
	    "--unused --posix|--unused --posix" \
	    "--older-than 0 --sysv|--older-than 0 --sysv --unused"; do
		run --separate-stderr -0 shmrm -n ${pair%%|*}
		dry=$output
		run --separate-stderr -0 shmls -rb \
		    -o TYPE,ADDRESS,SIZE,OWNER,NATTCH ${pair#*|}
		assert_equal "$dry" "$output"
	done
	run --separate-stderr -0 shmrm -n --all
	assert_line 'posix /q\x22uo\x27te 7 root 0'
	assert_line 'posix /a\x20b 7 root 0'
	assert_line 'posix /bad\xff\xc3x 7 root 0'
	assert_line 'posix /\xc3\xa9\xe4\xb8\xad 7 root 0'
	assert_equal "${#lines[@]}" 8
	for n in "${names[@]}"; do
		assert_kept "$n"
	done
}

@test "as nobody, --all never removes a POSIX object whose use it cannot see" {
	need_nobody
	mapped=$(new_name)
	start_posix "$mapped" "root's"
	roots=$(new_name)
	shmmk -s 1K "$roots"
	theirs=$(new_name)
	as_nobody shmmk -s 2K "$theirs"
	theirs_key=$(new_key)
	as_nobody shmmk -s 4K "$theirs_key"
	run --separate-stderr -0 as_nobody shmrm -v --all
	# System V attach counts are the kernel's: known, and 0.
	assert_output "removed $theirs_key"
	assert_stderr_has "shmrm: $theirs: kept: who uses it cannot be seen"
	# root's are not nobody's to remove: skipped, whatever their use
	for a in "$mapped" "$roots"; do
		assert_stderr_has "shmrm: $a: skipped: no permission to remove it"
	done
	assert_equal "$(summary)" "shmrm: removed 1 segment, 4096 bytes (4.0K); kept 1 in use or of unknown use (-f removes them); skipped 2 this user has no permission to remove"
	assert_gone "$theirs_key"
	assert_kept "$mapped" "$roots" "$theirs"
	# Not its own either, and not with -n.
	run --separate-stderr -0 as_nobody shmrm -n -u nobody
	assert_output ""
	assert_equal "$(summary)" "shmrm: would remove 0 segments, 0 bytes (0B); kept 1 in use or of unknown use (-f removes them)"
	run --separate-stderr -0 as_nobody shmrm --unused
	run --separate-stderr -0 as_nobody shmrm --orphans
	assert_kept "$mapped" "$roots" "$theirs"
	# Root, who sees every process, knows which are unused.
	run --separate-stderr -0 shmrm -n --unused
	assert_equal "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort)" \
	    "$(printf '%s\n' "$roots" "$theirs" | sort)"
}

@test "as nobody, -f removes its own and skips root's: exit 0, root's kept, one note" {
	need_nobody
	mapped=$(new_name)
	start_posix "$mapped" "root's"
	roots=$(new_name)
	shmmk -s 1K "$roots"
	theirs=$(new_name)
	as_nobody shmmk -s 2K "$theirs"
	run --separate-stderr -0 as_nobody shmrm -f --all
	# one note, not one error each
	assert_equal "$stderr" "shmrm: removed 1 segment, 2048 bytes (2.0K); skipped 2 this user has no permission to remove"
	assert_gone "$theirs"
	assert_kept "$mapped" "$roots"
	client_sees
	assert_output "root's"
}

@test "a non-root nightly cleanup: the dry run predicts the real one, others' orphans skipped with one note" {
	need_nobody
	local roots_key roots_priv theirs_key theirs_priv dry real
	roots_key=$(new_key)
	shmmk -s 1K "$roots_key"
	roots_priv=$(shmmk --private -s 1K)
	theirs_key=$(new_key)
	as_nobody shmmk -s 2K "$theirs_key"
	theirs_priv=$(as_nobody shmmk --private -s 4K)
	track "$roots_priv" "$theirs_priv"
	# every creator has exited: all four are orphans
	run --separate-stderr -0 shmrm -n --orphans
	assert_equal "${#lines[@]}" 5
	run --separate-stderr -0 as_nobody shmrm -n --orphans
	dry=("$output" "$stderr")
	assert_output "$(printf 'TYPE ADDRESS SIZE OWNER NATTCH\nsysv %s 2048 nobody 0\nsysv %s 4096 nobody 0' "$theirs_key" "$theirs_priv")"
	assert_equal "$stderr" "shmrm: would remove 2 segments, 6144 bytes (6.0K); skipped 2 this user has no permission to remove"
	assert_kept "$roots_key" "$roots_priv" "$theirs_key" "$theirs_priv"
	run --separate-stderr -0 as_nobody shmrm --orphans
	real=("$output" "$stderr")
	assert_equal "${real[1]}" "shmrm: removed 2 segments, 6144 bytes (6.0K); skipped 2 this user has no permission to remove"
	assert_equal "${real[1]/removed/would remove}" "${dry[1]}"
	assert_gone "$theirs_key" "$theirs_priv"
	assert_kept "$roots_key" "$roots_priv"
	# -v names each skipped one, still exit 0
	run --separate-stderr -0 as_nobody shmrm -v --orphans
	assert_stderr_has "shmrm: $roots_key: skipped: no permission to remove it"
	assert_stderr_has "shmrm: $roots_priv: skipped: no permission to remove it"
	# root may remove them all
	run --separate-stderr -0 shmrm --orphans
	assert_equal "$stderr" "shmrm: removed 2 segments, 2048 bytes (2.0K)"
	assert_gone "$roots_key" "$roots_priv"
}

@test "bulk removal may remove what the caller created, though another user owns it" {
	need_nobody
	command -v perl >/dev/null || skip "needs perl to give a segment away"
	local key
	key=$(new_key)
	as_nobody shmmk -s 1K "$key"
	# root gives nobody's segment to root: nobody stays its creator
	# IPC_STAT (2), then IPC_SET (1) with shm_perm.uid (after the key)
	# set to 0
	perl -e 'my $id = shmget(hex($ARGV[0]), 0, 0) // die "shmget: $!";
	    my $ds = ""; shmctl($id, 2, $ds) // die "stat: $!";
	    substr($ds, 4, 4) = pack("I", 0);
	    shmctl($id, 1, $ds) // die "set: $!";' "$key" || :
	if [[ $(sysv_field "$key" uid) != 0 ]]; then
		ipcs -m | grep -qi "$key" || fail "no $key"
		skip "cannot change a segment's owner with perl here"
	fi
	run --separate-stderr -0 as_nobody shmrm -n --orphans
	assert_line --partial "$key"
	run --separate-stderr -0 as_nobody shmrm --orphans
	assert_equal "$stderr" "shmrm: removed 1 segment, 1024 bytes (1.0K)"
	assert_gone "$key"
}

# --- usage errors remove nothing ----------------------------------------------------------

@test "a usage error removes nothing: exit 2, nothing on stdout, the reason and the hint on stderr" {
	key=$(new_key)
	shmmk -s 1K "$key"
	priv=$(shmmk --private -s 1K)
	name=$(new_name)
	shmmk -s 1K "$name"
	before=$(snapshot_segments)
	while IFS='|' read -r args why; do
		eval "set -- $args"
		run --separate-stderr shmrm "$@"
		[[ $status -eq 2 ]] || fail "shmrm $args exited $status: $stderr"
		[[ -z $output ]] || fail "shmrm $args wrote to stdout: $output"
		[[ $stderr == *"$why"* ]] ||
		    fail "shmrm $args: stderr lacks '$why': $stderr"
		[[ ${stderr##*$'\n'} == "Try 'shmrm --help'." ]] ||
		    fail "shmrm $args: stderr: $stderr"
		[[ $(snapshot_segments) == "$before" ]] ||
		    fail "shmrm $args changed something:"$'\n'"$(diff <(echo "$before") <(snapshot_segments))"
	done <<-EOF
	--all /x|exclude each other
	--all $name|exclude each other
	$key --orphans|exclude each other
	-f --all $name $key|exclude each other
	--posix|needs
	--sysv|needs
	--sysv --posix -v -f|needs
	-n|
	-f|
	--older-than 10x --all|10x
	--older-than -5m --all|-5m
	--older-than '' --all|duration
	--all --older-than|
	-u nosuch --all|nosuch
	--all -u|
	--all memfd:1:3|
	memfd:1:3 --all|
	--all --nosuch|
	--all -Q|
	--memfd --all|
	--all ''|
	EOF
	assert_kept "$key" "$priv" "$name"
}

@test "a usage error after the filters removes nothing either (parse all, then act)" {
	name=$(new_name)
	shmmk -s 1K "$name"
	before=$(snapshot_segments)
	run --separate-stderr -2 shmrm --all --orphans -v -u root --older-than 1x
	assert_output ""
	assert_equal "$(snapshot_segments)" "$before"
	run --separate-stderr -2 shmrm --all -f -- "$name"
	assert_equal "$(snapshot_segments)" "$before"
}

@test "--older-than 0 selects every segment, as in shmls" {
	name=$(new_name)
	shmmk -s 1K "$name"
	run --separate-stderr -0 shmrm --older-than 0
	assert_gone "$name"
}

@test "bulk mode never removes a POSIX semaphore (sem.NAME in /dev/shm)" {
	if command -v python3 >/dev/null; then
		python3 -c '
import ctypes, os
libc = ctypes.CDLL("libc.so.6", use_errno=True)
libc.sem_open.restype = ctypes.c_void_p
if libc.sem_open(b"/shmt-sem", os.O_CREAT, 0o600, 1) in (None, 0):
    raise SystemExit(os.strerror(ctypes.get_errno()))'
	else
		# shmmk refuses sem.NAME: a file of that name is what glibc makes
		head -c 32 /dev/zero >/dev/shm/sem.shmt-sem
	fi
	[[ -f /dev/shm/sem.shmt-sem ]] || fail "no semaphore made"
	name=$(new_name)
	shmmk -s 1K "$name"
	for args in "--all" "-f --all" "-f -u root" "--orphans --posix" "--unused"; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmrm -n $args
		[[ $output != *sem.shmt-sem* ]] || fail "shmrm -n $args lists it: $output"
	done
	run --separate-stderr -0 shmrm -f -v --all
	assert_output "removed $name"
	[[ -f /dev/shm/sem.shmt-sem ]] || fail "shmrm -f --all removed a semaphore"
}

@test "as nobody, removing root's POSIX object says which permission is missing" {
	need_nobody
	name=$(new_name)
	shmmk -s 1K "$name"
	run --separate-stderr -1 as_nobody shmrm "$name"
	[[ $stderr == "shmrm: $name: "*owner* ]] || fail "stderr: $stderr"
	# in bulk, it is skipped and counted instead (never tried)
	run --separate-stderr -0 as_nobody shmrm -f --all
	assert_equal "$stderr" "shmrm: removed 0 segments, 0 bytes (0B); skipped 1 this user has no permission to remove"
	assert_kept "$name"
}

@test "-f --all does not remove a segment removed already (dest) again, nor count it" {
	key=$(new_key)
	start_sysv "$key" "attached"
	id=$(sysv_id "$key")
	run --separate-stderr -0 shmrm -f --all
	assert_equal "$(summary)" "shmrm: removed 1 segment, 4096 bytes (4.0K)"
	assert_equal "$(sysv_status "$id")" dest
	run --separate-stderr -0 shmrm -f -v --all
	assert_output ""
	assert_equal "$(summary)" "shmrm: removed 0 segments, 0 bytes (0B)"
}
