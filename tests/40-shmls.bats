#!/usr/bin/env bats
# 40-shmls.bats - shmls lists System V and POSIX segments in one table, in
# the output formats of lsipc, with addresses that the other programs take.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
}

# --- local helpers -------------------------------------------------------

DEFAULT_HEADER="TYPE ADDRESS SIZE OWNER PERMS NATTCH STATUS CTIME"

# --- the table ---------------------------------------------------------------

@test "lists both kinds under the default columns" {
	key=$(new_key)
	name=$(new_name)
	shmmk -s 2K "$key"
	shmmk -s 1K "$name"
	run --separate-stderr -0 shmls
	assert_equal "$stderr" ""
	assert_equal "$(tr -s ' ' <<<"${lines[0]}" | sed 's/ $//')" \
	    "$DEFAULT_HEADER"
	assert_line --regexp "^sysv +$key +2(\\.0)?K +$(id -un) +rw------- +0 +[0-9:A-Za-z-]+\$"
	assert_line --regexp "^posix +$name +1(\\.0)?K +$(id -un) +rw------- +"
}

@test "--sysv lists only System V, --posix only POSIX, both flags both" {
	make_key_and_name
	run -0 shmls -rn -o TYPE,ADDRESS --sysv
	assert_line "sysv $key"
	refute_line --regexp '^posix '
	run -0 shmls -rn -o TYPE,ADDRESS --posix
	assert_line "posix $name"
	refute_line --regexp '^sysv '
	run -0 shmls -rn -o TYPE,ADDRESS --sysv --posix
	assert_line "sysv $key"
	assert_line "posix $name"
}

@test "in the private namespace the listing holds exactly what the test made" {
	skip_unless_hermetic "needs an otherwise empty IPC namespace"
	key=$(new_key)
	name=$(new_name)
	priv=$(shmmk --private -s 1K)
	shmmk -s 1K "$key"
	shmmk -s 1K "$name"
	run -0 shmls -rn -o ADDRESS
	assert_equal "$(sort <<<"$output")" \
	    "$(printf '%s\n' "$key" "$priv" "$name" | sort)"
}

@test "ADDRESS operands list just those, in the order given" {
	a=$(new_key)
	b=$(new_name)
	c=$(new_name)
	shmmk -s 1K "$a"
	shmmk "$b"
	shmmk "$c"
	f=$BATS_TEST_TMPDIR/seg
	shmmk -s 5 "file:$f"
	run -0 shmls -rn -o TYPE,ADDRESS "$c" "file:$f" "$a"
	assert_output "$(printf 'posix %s\nfile file:%s\nsysv %s' "$c" "$f" "$a")"
}

@test "a missing ADDRESS operand: exit 1, message, the others still listed" {
	a=$(new_name)
	missing=$(new_name)
	key=$(new_key)
	shmmk "$a"
	run --separate-stderr -1 shmls -n -o ADDRESS "$missing" "$a" "$key"
	assert_output "$a"
	assert_stderr_has "shmls: $missing: "
	assert_stderr_has "shmls: $key: "
}

@test "a bad ADDRESS operand is a usage error and nothing is listed" {
	a=$(new_name)
	shmmk "$a"
	run --separate-stderr -2 shmls "$a" /bad/name
	assert_output ""
	assert_stderr_has "Try 'shmls --help'."
}

# --- columns ---------------------------------------------------------------------

@test "-o picks columns by name, case-insensitively, in the order given" {
	key=$(new_key)
	shmmk -m 640 -s 1K "$key"
	id=$(sysv_id "$key")
	run -0 shmls -r -o id,Key,SIZE,perms "$key"
	assert_output "$(printf 'ID KEY SIZE PERMS\n%s %s 1.0K rw-r-----' "$id" "$key")"
	run -0 shmls -rn --output address "$key"
	assert_output "$key"
}

@test "-o +COL adds to the default columns" {
	key=$(new_key)
	shmmk -s 1K "$key"
	run -0 shmls -r -o +KEY,ID "$key"
	assert_equal "${lines[0]}" "$DEFAULT_HEADER KEY ID"
	[[ ${lines[1]} == "sysv $key "*" $key $(sysv_id "$key")" ]]
}

@test "an unknown column is a usage error" {
	run --separate-stderr -2 shmls -o TYPE,NOSUCH
	assert_output ""
	assert_stderr_has "NOSUCH"
	assert_stderr_has "Try 'shmls --help'."
	run --separate-stderr -2 shmls -o +nosuch
	assert_output ""
}

@test "--list-columns lists every column of --help, and -o takes each" {
	run -0 shmls --help
	help_cols=$(sed -n '/^Columns:/,$p' <<<"$output" | tail -n +2 |
	    awk '{ print $1 }')
	[[ -n $help_cols ]]
	run -0 shmls --list-columns
	list_cols=$(awk '{ print $1 }' <<<"$output")
	assert_equal "$list_cols" "$help_cols"
	for c in $list_cols; do
		[[ $c =~ ^[A-Z]+$ ]]
		shmls -o "$c" >/dev/null
	done
	# The columns the spec promises are all there.
	for c in TYPE ADDRESS KEY ID NAME SIZE OWNER GROUP PERMS NATTCH CPID \
	    LPID CTIME ATIME DTIME STATUS; do
		grep -qx "$c" <<<"$list_cols" || fail "no column $c"
	done
}

# --- output formats ----------------------------------------------------------------

@test "-r prints one line per segment, values separated by one space; -n drops the header" {
	key=$(new_key)
	shmmk -s 1K "$key"
	run -0 shmls -r "$key"
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[0]}" "$DEFAULT_HEADER"
	[[ ${lines[1]} =~ ^sysv\ $key\ [^\ ]+\ $(id -un)\ rw-------\ 0\ \ [^\ ]+$ ]] ||
	    fail "raw line: ${lines[1]}"
	run -0 shmls -rn "$key"
	assert_equal "${#lines[@]}" 1
	[[ ${lines[0]} == "sysv $key "* ]]
	run -0 shmls --raw --noheadings -o SIZE "$key"
	assert_output 1.0K
}

@test "-b prints exact bytes" {
	key=$(new_key)
	name=$(new_name)
	shmmk -s 1000001 "$key"
	shmmk -s 1536 "$name"
	run -0 shmls -rnb -o SIZE "$key" "$name"
	assert_output "$(printf '1000001\n1536')"
	run -0 shmls -rn --bytes -o SIZE "$name"
	assert_output 1536
	run -0 shmls -rn -o SIZE "$name"
	refute_output 1536
}

@test "-P prints permissions in octal" {
	key=$(new_key)
	name=$(new_name)
	shmmk -m 640 -s 1K "$key"
	shmmk -m 604 "$name"
	run -0 shmls -rnP -o PERMS "$key" "$name"
	assert_output "$(printf '640\n604')"
	run -0 shmls -rn --numeric-perms -o PERMS "$name"
	assert_output 604
	run -0 shmls -rn -o PERMS "$name"
	assert_output rw----r--
}

@test "-e prints NAME=\"value\" pairs that a shell can evaluate" {
	key=$(new_key)
	shmmk -m 640 -s 1000 "$key"
	run -0 shmls -eb -o TYPE,ADDRESS,SIZE,PERMS,NATTCH "$key"
	assert_output "TYPE=\"sysv\" ADDRESS=\"$key\" SIZE=\"1000\" PERMS=\"rw-r-----\" NATTCH=\"0\""
	(
		eval "$output"
		[[ $TYPE == sysv && $ADDRESS == "$key" && $SIZE == 1000 ]]
	)
}

@test "-J is valid JSON with typed values: numbers, strings and null" {
	key=$(new_key)
	name=$(new_name)
	shmmk -s 1000 "$key"
	shmmk -s 2000 "$name"
	run --separate-stderr -0 shmls -J -o TYPE,ADDRESS,KEY,ID,SIZE,NATTCH,UID,PERMS \
	    "$key" "$name"
	json=$output
	jq -e . >/dev/null <<<"$json"
	jq -e --arg key "$key" --argjson id "$(sysv_id "$key")" '
	    (.shm | length) == 2 and
	    (.shm[0] | .type == "sysv" and .address == $key and
	        .key == $key and (.key | test("^0x[0-9a-f]{8}$")) and
	        .id == $id and .size == 1000 and .nattch == 0 and
	        (.uid | type) == "number" and (.perms | type) == "string")
	' <<<"$json" || fail "System V row: $json"
	jq -e --arg name "$name" '
	    .shm[1] | .type == "posix" and .address == $name and
	        .size == 2000 and .key == null and .id == null and
	        (.nattch == 0 or .nattch == null)
	' <<<"$json" || fail "POSIX row: $json"
}

@test "-J without -o: sizes are bytes and CTIME is ISO 8601" {
	name=$(new_name)
	shmmk -s 1536 "$name"
	run -0 shmls -J "$name"
	jq -e '.shm[0] | (.size == 1536) and
	    (.ctime | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)$"))' \
	    <<<"$output" || fail "$output"
}

@test "--time-format iso gives an ISO 8601 CTIME close to now" {
	name=$(new_name)
	shmmk "$name"
	run -0 shmls -rn --time-format iso -o CTIME "$name"
	assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([+-][0-9]{2}:[0-9]{2}|Z)$'
	t=$(date -d "$output" +%s)
	now=$(date +%s)
	(( now - t >= 0 && now - t < 120 )) || fail "CTIME $output is not now"
	key=$(new_key)
	shmmk -s 1K "$key"
	run -0 shmls -rn --time-format=iso -o CTIME "$key"
	t=$(date -d "$output" +%s)
	(( now - t >= -5 && now - t < 120 )) || fail "CTIME $output is not now"
}

@test "--time-format full and short; an unknown one is a usage error" {
	name=$(new_name)
	before=$(date +%H:%M)
	shmmk "$name"
	# (raw output would escape the blanks: use the table)
	run -0 shmls -n --time-format full -o CTIME "$name"
	date -d "$output" +%s >/dev/null
	run -0 shmls -rn --time-format short -o CTIME "$name"
	[[ $output == "$before" || $output == "$(date +%H:%M)" ]] ||
	    fail "short CTIME of a segment made today: $output"
	run --separate-stderr -2 shmls --time-format fancy
	assert_output ""
	assert_stderr_has "Try 'shmls --help'."
}

# --- status and attached processes ----------------------------------------------

@test "a System V segment removed while attached shows NATTCH 1 and STATUS dest" {
	need_sysv_writer
	key=$(new_key)
	start_client client sysv_writer "$key" 4096 hello "$BATS_TEST_TMPDIR/ready"
	wait_for "$BATS_TEST_TMPDIR/ready"
	id=$(sysv_id "$key")
	run -0 shmls -rn -o ADDRESS,NATTCH,STATUS "$key"
	assert_output "$key 1 "
	shmrm "$key" 2>/dev/null
	run -0 shmls -rn -o ADDRESS,KEY,NATTCH,STATUS "id:$id"
	assert_output "id:$id 0x00000000 1 dest"
	run -0 shmls -n -o ADDRESS,STATUS --sysv
	assert_line --regexp "^id:$id +dest\$"
	run -0 shmls -J -o ID,STATUS --sysv
	jq -e --argjson id "$id" \
	    '[.shm[] | select(.id == $id)] | .[0].status == "dest"' \
	    <<<"$output"
}

# --- round trip ---------------------------------------------------------------------

@test "every ADDRESS printed by shmls -rn -o ADDRESS works with shmcat" {
	key=$(new_key)
	name=$(new_name)
	priv=$(shmmk --private -s 1K)
	track "$priv"
	shmmk -s 1K "$key"
	shmmk -s 1K "$name"
	shmput -d key "$key"
	shmput -d private "$priv"
	shmput -d posix "$name"
	run -0 shmls -rn -o ADDRESS
	listed=$output
	for a in "$key" "$priv" "$name"; do
		grep -qxF -- "$a" <<<"$listed" || fail "$a not listed: $listed"
	done
	while IFS= read -r a; do
		# In a shared namespace, only what this test made is ours.
		if [[ $SHMT_HERMETIC != 1 && $a != "$key" && $a != "$priv" &&
		    $a != "$name" ]]; then
			continue
		fi
		run -0 shmcat -s "$a"
		case $a in
		"$key") assert_output key ;;
		"$priv") assert_output private ;;
		"$name") assert_output posix ;;
		esac
	done <<<"$listed"
}

# --- hostile names --------------------------------------------------------------------

@test "a POSIX name with a newline or an escape character is printed escaped" {
	skip_unless_hermetic "counts every line of the listing"
	nl=$'/a\nb'
	esc=$'/x\033[31m'
	shmmk "$nl"
	shmmk "$esc"
	for opts in "" -r -n -rn "-o NAME,ADDRESS" -e; do
		# shellcheck disable=SC2086
		run --separate-stderr -0 shmls $opts
		[[ $output != *$'\033'* ]] || fail "raw ESC in 'shmls $opts'"
		[[ $stderr == *"shown escaped"* ]] ||
		    fail "no note that names are escaped: $stderr"
		header=1
		[[ $opts == *n* || $opts == -e ]] && header=0
		assert_equal "${#lines[@]}" $(( 2 + header ))
		[[ $(wc -l <<<"$output") -eq $(( 2 + header )) ]] ||
		    fail "raw newline in 'shmls $opts': $output"
	done
	run -0 shmls -n -o ADDRESS
	assert_line '/a\nb'
	assert_line '/x\033[31m'
	run -0 shmls -J -o TYPE,ADDRESS,NAME
	jq -e . >/dev/null <<<"$output"
	# JSON carries the true names, escaped by JSON's rules.
	jq -e --arg nl "$nl" --arg esc "$esc" \
	    '[.shm[].address] | sort == ([$nl, $esc] | sort)' <<<"$output"
}

@test "a hostile name in an error message is escaped too" {
	run --separate-stderr -1 shmcat $'/evil\033]0;x\a'
	[[ $stderr != *$'\033'* && $stderr != *$'\a'* ]] ||
	    fail "raw control characters in: $stderr"
	run --separate-stderr -1 shmls $'/evil\nline'
	assert_equal "$(wc -l <<<"$stderr")" 1
}

@test "semaphores, directories, symlinks and FIFOs in /dev/shm are not listed" {
	skip_unless_hermetic "creates entries in /dev/shm"
	name=$(new_name)
	shmmk -s 1K "$name"
	: >/dev/shm/sem.foo
	mkdir /dev/shm/dir
	ln -s "/dev/shm$name" /dev/shm/link
	ln -s /etc/passwd /dev/shm/outside
	mkfifo /dev/shm/fifo
	run --separate-stderr -0 timeout 10 shmls -rn -o ADDRESS
	assert_output "$name"
	run --separate-stderr -0 timeout 10 shmls -rn -o ADDRESS --posix
	assert_output "$name"
	run -0 timeout 10 shmls -J
	jq -e '.shm | length == 1' <<<"$output"
}

# --- usage ------------------------------------------------------------------------------

@test "ADDRESS operands with --sysv or --posix is a usage error" {
	name=$(new_name)
	shmmk "$name"
	run --separate-stderr -2 shmls --posix "$name"
	assert_output ""
	assert_stderr_has "Try 'shmls --help'."
}

# --- columns named twice, empty listings, JSON of --summary and --limits -----

@test "-o: a column named twice is shown once, where it is named first" {
	name=$(new_name)
	shmmk -s 1K "$name"
	run -0 shmls -r -o TYPE,ADDRESS,TYPE "$name"
	assert_equal "${lines[0]}" "TYPE ADDRESS"
	assert_equal "${lines[1]}" "posix $name"
	run -0 shmls -r -o type,SIZE,Type,size -b "$name"
	assert_output "$(printf 'TYPE SIZE\nposix 1024')"
	# +LIST of a default column leaves the default columns.
	assert_equal "$(shmls -r -o +SIZE "$name" | head -1)" \
	    "$(shmls -r "$name" | head -1)"
	run -0 shmls -r -o +NAME,SIZE "$name"
	assert_equal "${lines[0]}" "$DEFAULT_HEADER NAME"
	# JSON holds each key once.
	run -0 shmls -J -o ADDRESS,ADDRESS,SIZE "$name"
	jq -e --arg n "$name" '.shm == [{"address": $n, "size": 1024}]' \
	    <<<"$output" || fail "$output"
}

@test "an empty listing prints its heading, as ipcs does; -n prints nothing" {
	run --separate-stderr -0 shmls -u 4000000
	assert_equal "$(tr -s ' ' <<<"$output" | sed 's/ $//')" \
	    "$DEFAULT_HEADER"
	assert_equal "${#lines[@]}" 1
	run -0 shmls -r -u 4000000
	assert_output "$DEFAULT_HEADER"
	run -0 shmls -r -o ADDRESS,SIZE --posix -u 4000000
	assert_output "ADDRESS SIZE"
	run -0 shmls -n -u 4000000
	assert_output ""
	run -0 shmls -rn -u 4000000
	assert_output ""
	run -0 shmls -e -u 4000000
	assert_output ""
	run -0 shmls -0 -o ADDRESS -u 4000000
	assert_output ""
	run -0 shmls -J -u 4000000
	jq -e '.shm == []' <<<"$output" || fail "$output"
}

@test "--summary -J and --limits -J are JSON, numbers as numbers" {
	key=$(new_key)
	name=$(new_name)
	shmmk -s 2K "$key"
	shmmk -s 1K "$name"
	run -0 shmls --summary -J
	jq -e '(.shm | length) == 7 and
	    ([.shm[:4][] | (.count, .size, .rss, .shmem) | type] | unique) ==
	    ["number"] and
	    ([.shm[].type] == ["sysv", "posix", "memfd", "anon", "tmpfs",
	    "unattributed", "Shmem"])' <<<"$output" ||
	    fail "$output"
	run -0 shmls --summary -J --posix
	# Nothing is swapped out with no swap in use (99-hugepages.bats
	# tests the split where it is).
	[[ -n $(swapon --show --noheadings 2>/dev/null) ]] ||
	jq -e '.shm == [{"type": "posix", "count": 1, "size": 1024, "rss": 0,
	    "swap": 0}]' \
	    <<<"$output" || fail "$output"
	run -0 shmls --limits -J
	jq -e '(.shm | length) == 5 and
	    ([.shm[].value | type] | unique) == ["number"] and
	    ([.shm[] | .limit, .description | type] | unique) == ["string"] and
	    (.shm[] | select(.limit == "kernel.shmmni") | .value) ==
	    '"$(cat /proc/sys/kernel/shmmni)" <<<"$output" || fail "$output"
	# The same writer as the listing: its layout, its indentation.
	assert_equal "${lines[0]}" "{"
	assert_equal "${lines[1]}" '   "shm": ['
}

@test "OWNER and GROUP show a long name whole, never cut" {
	skip_unless_hermetic "a user of its own in a bind-mounted /etc/passwd"
	long=u$(printf '%0100d' 0)
	grp=g$(printf '%070d' 0)
	cp /etc/passwd "$BATS_TEST_TMPDIR/passwd"
	cp /etc/group "$BATS_TEST_TMPDIR/group"
	echo "$long:x:4000001:4000002::/:/bin/false" >>"$BATS_TEST_TMPDIR/passwd"
	echo "$grp:x:4000002:" >>"$BATS_TEST_TMPDIR/group"
	mount --bind "$BATS_TEST_TMPDIR/passwd" /etc/passwd
	mount --bind "$BATS_TEST_TMPDIR/group" /etc/group
	name=$(new_name)
	shmmk "$name"
	chown 4000001:4000002 "/dev/shm$name"
	run -0 shmls -rn -o OWNER,GROUP "$name"
	status_long=$output
	umount /etc/group
	umount /etc/passwd
	assert_equal "$status_long" "$long $grp"
	run -0 shmls -rn -o OWNER,GROUP "$name"
	assert_output "4000001 4000002"
}
