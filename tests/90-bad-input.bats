#!/usr/bin/env bats
# 90-bad-input.bats - bad input for every program and every parser, table
# driven: malformed and out-of-range keys, ids, sizes, modes, offsets,
# durations and names, unknown options, options in the wrong combination,
# operands of the wrong kind, missing and extra operands, and operations
# that fail.  Each row must give the documented exit status (2 usage, 1 an
# operation failed), a message on stderr naming the problem, nothing on
# stdout, no crash, and no change to the System V table or /dev/shm.

load test_helper

setup() {
	# Segments to aim at: a POSIX object and a System V segment of 4K,
	# and names that must never be created.
	P=$(new_name)
	K=$(new_key)
	shmmk -s 4K "$P" >/dev/null
	shmput -d hello "$P"
	shmmk -s 4K "$K" >/dev/null
	N=$(new_name)
	N2=$(new_name)
	MISSING=$(new_name)
	MISSING_KEY=$(new_key)
	L256=$(printf 'n%.0s' {1..256})
	L255=$(printf 'n%.0s' {1..255})
	FILE=$BATS_TEST_TMPDIR/file
	printf 'file data' >"$FILE"
}

teardown() {
	cleanup_segments
}

# row_state: what no row may change.  In run-bats's namespaces, all of
# the System V table and /dev/shm (snapshot_segments); elsewhere, where
# other programs may change those at any time, this test's own segments
# and names.
row_state() {
	if [[ $SHMT_HERMETIC == 1 ]]; then
		snapshot_segments
	else
		ipcs -m | grep -i -- "^$K " || true
		ls -la --time-style=full-iso -d -- "/dev/shm$P" "/dev/shm$N" \
		    "/dev/shm$N2" "/dev/shm$MISSING" 2>&1 || true
		! segment_exists "$MISSING_KEY" || echo "$MISSING_KEY exists"
	fi
	ls -la --time-style=full-iso -- "$FILE"
	cksum <"/dev/shm$P"
}

# check_rows: the rows on stdin, "STATUS|COMMAND|STDERR-SUBSTRING", one a
# line; COMMAND is split as the shell does (eval), after expanding $P, $K,
# $N and the others set in setup.  Blank lines and lines starting with #
# are skipped.
check_rows() {
	local row want cmd why prog before after n=0
	while IFS= read -r row; do
		[[ -z $row || $row == '#'* ]] && continue
		IFS='|' read -r want cmd why <<<"$row"
		# A bulk shmrm that wrongly went ahead would remove the
		# machine's segments: only in run-bats's namespaces.
		if [[ $SHMT_HERMETIC != 1 && $cmd == shmrm* &&
		    $cmd =~ (--all|--orphans|--unused|--older-than|--sysv|--posix|-u\ |--user) ]]; then
			continue
		fi
		eval "set -- $cmd"
		prog=$1
		before=$(row_state)
		run --separate-stderr timeout 10 "$@" </dev/null
		after=$(row_state)
		n=$(( n + 1 ))
		(( status != 124 )) || fail "$cmd: timed out"
		(( status < 128 )) || fail "$cmd: crashed (status $status)"$'\n'"$stderr"
		(( status == want )) ||
		    fail "$cmd: exit $status, not $want"$'\n'"stderr: $stderr"$'\n'"stdout: $output"
		[[ -z $output ]] || fail "$cmd: wrote to stdout: $output"
		[[ $stderr == "$prog: "* ]] ||
		    fail "$cmd: stderr does not start with '$prog: ': $stderr"
		[[ $stderr == *"$why"* ]] ||
		    fail "$cmd: stderr does not name the problem ('$why'): $stderr"
		if (( want == 2 )); then
			[[ ${stderr##*$'\n'} == "Try '$prog --help'." ]] ||
			    fail "$cmd: usage error without the hint: $stderr"
		else
			[[ $stderr != *"--help'."* ]] ||
			    fail "$cmd: an operation error with the usage hint: $stderr"
		fi
		[[ $after == "$before" ]] ||
		    fail "$cmd: changed something:"$'\n'"$(diff <(echo "$before") <(echo "$after"))"
	done
	(( n > 0 )) || fail "no rows"
	echo "# $n rows" >&3
}

# --- parsers -------------------------------------------------------------------

@test "keys: malformed and out of range, for every program" {
	local rows=() prog key why
	for prog in "shmcat" "shmput -d x" "shmls" "shmrm" "shmresize %s 1K" "shmmk -s 1K"; do
		while IFS='|' read -r key why; do
			if [[ $prog == *%s* ]]; then
				# shellcheck disable=SC2059
				rows+=("2|$(printf "$prog" "$key")|$why")
			else
				rows+=("2|$prog $key|$why")
			fi
		done <<-'EOF'
		0x|malformed key
		0X|malformed key
		0x0|key 0 is IPC_PRIVATE
		0x00000000|key 0 is IPC_PRIVATE
		0xg|malformed key
		0x12345678g|malformed key
		'0x 1'|malformed key
		0x100000000|key larger than 0xffffffff
		0xffffffffffffffffffff|key larger than 0xffffffff
		key:|malformed key
		key:-1|malformed key
		key:+1|malformed key
		'key: 5'|malformed key
		'key:5 '|malformed key
		key:0|key 0 is IPC_PRIVATE
		key:0x|malformed key
		key:08|malformed key
		key:4294967296|key larger than 0xffffffff
		key:99999999999999999999999|key larger than 0xffffffff
		key:abc|malformed key
		EOF
	done
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "ids: malformed and out of range, for every program that takes one" {
	local rows=() prog id why
	for prog in "shmcat" "shmput -d x" "shmls" "shmrm" "shmresize %s 1K"; do
		while IFS='|' read -r id why; do
			if [[ $prog == *%s* ]]; then
				# shellcheck disable=SC2059
				rows+=("2|$(printf "$prog" "$id")|$why")
			else
				rows+=("2|$prog $id|$why")
			fi
		done <<-'EOF'
		id:|malformed id
		id:-1|malformed id
		id:+1|malformed id
		'id: 5'|malformed id
		id:0x5|malformed id
		id:5x|malformed id
		id:2147483648|id larger than INT_MAX
		id:99999999999999999999999|id larger than INT_MAX
		2147483648|id larger than INT_MAX
		99999999999|id larger than INT_MAX
		EOF
	done
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "names: empty, '/', '.', '..', an inner slash, longer than NAME_MAX, for every program" {
	local rows=() prog name why
	for prog in "shmcat" "shmput -d x" "shmls" "shmrm" "shmresize %s 1K" \
	    "shmmk -s 1K" "shmmk --reuse -s 1K"; do
		while IFS='|' read -r name why; do
			if [[ $prog == *%s* ]]; then
				# shellcheck disable=SC2059
				rows+=("2|$(printf "$prog" "$name")|$why")
			else
				rows+=("2|$prog $name|$why")
			fi
		done <<-'EOF'
		''|empty address
		/|empty POSIX name
		posix:|empty POSIX name
		posix:/|empty POSIX name
		/.|cannot be '.' or '..'
		/..|cannot be '.' or '..'
		posix:..|cannot be '.' or '..'
		/a/b|cannot contain '/'
		/a/|cannot contain '/'
		//|cannot contain '/'
		posix:../etc/passwd|cannot contain '/'
		"/$L256"|longer than NAME_MAX
		"posix:$L256"|longer than NAME_MAX
		file:|empty file path
		bogus|not an address
		-|not an address
		memfd:|malformed memfd address
		memfd:1|malformed memfd address
		memfd:1:|malformed memfd address
		memfd::3|malformed memfd address
		memfd:x:3|malformed memfd address
		memfd:1:-1|malformed memfd mapping
		memfd:1:0x10-0x20|malformed memfd mapping
		memfd:1:2000-1000|START is not below END
		memfd:0:3|memfd PID out of range
		memfd:99999999999:3|memfd PID out of range
		memfd:1:99999999999|memfd FD out of range
		EOF
	done
	# A name of exactly NAME_MAX bytes is fine: it only does not exist.
	rows+=("1|shmcat /\$L255|no such object" "1|shmrm posix:\$L255|no such object")
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "sizes: shmmk -s, shmcat -n, shmresize SIZE" {
	local rows=() size why
	while IFS='|' read -r size why; do
		rows+=("2|shmmk -s $size \$N|$why" "2|shmcat -n $size \$P|$why")
		# -1 means "1 byte less" to shmresize.
		[[ $size == -1 ]] ||
		    rows+=("2|shmresize \$P $size|$why" "2|shmresize \$K $size|$why")
	done <<-'EOF'
	''|malformed size
	1.5K|malformed size
	-1|malformed size
	10X|malformed size
	0x10|malformed size
	' 1'|malformed size
	'1 '|malformed size
	1K1|malformed size
	1KK|malformed size
	1Ki|malformed size
	1iB|malformed size
	K|malformed size
	B|malformed size
	99999999999999999999|size too large
	16E|size too large
	8E|size too large
	9223372036854775808|size too large
	EOF
	# shmresize also takes +SIZE and -SIZE, but nothing else in front.
	rows+=("2|shmresize \$P +-1|malformed size" "2|shmresize \$P --1|malformed size"
	    "2|shmresize \$P ++1|malformed size" "2|shmresize \$P +|malformed size"
	    "2|shmresize \$P -|malformed size" "2|shmresize \$P +16E|size too large"
	    "2|shmresize \$K -16E|size too large"
	    "2|shmmk -s 1K -s x \$N|malformed size" "2|shmmk --size= \$N|malformed size")
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "modes: shmmk -m" {
	check_rows <<-'EOF'
	2|shmmk -m 8 $N|malformed mode
	2|shmmk -m 9 -s 1K $K|malformed mode
	2|shmmk -m 1000 $N|mode larger than 0777
	2|shmmk -m 07777 $N|mode larger than 0777
	2|shmmk -m 4755 $N|mode larger than 0777
	2|shmmk -m '' $N|empty mode
	2|shmmk -m rw $N|malformed mode
	2|shmmk -m u+rw $N|malformed mode
	2|shmmk -m -1 $N|malformed mode
	2|shmmk -m 0x1 $N|malformed mode
	2|shmmk -m ' 644' $N|malformed mode
	2|shmmk -m '644 ' $N|malformed mode
	2|shmmk -m 77777777777777777777777 $N|mode larger than 0777
	2|shmmk -m 99999999999999999999999 $N|malformed mode
	2|shmmk -m 644 -m x --private -s 1K|malformed mode
	EOF
}

@test "offsets and lengths: shmcat -o/-n, shmput -o" {
	check_rows <<-'EOF'
	2|shmcat -o x $P|malformed size
	2|shmcat -o -1 $P|malformed size
	2|shmcat -o '' $P|malformed size
	2|shmcat -o 1.5K $P|malformed size
	2|shmcat -o 16E $P|size too large
	2|shmcat -n x $P|malformed size
	2|shmcat -n -1 $P|malformed size
	2|shmcat --offset=0x10 $P|malformed size
	2|shmcat --length=16E $K|size too large
	2|shmput -o x -d x $P|malformed size
	2|shmput -o -1 -d x $P|malformed size
	2|shmput -o '' -d x $K|malformed size
	2|shmput -o 99999999999999999999 -d x $P|size too large
	2|shmput --offset=1.5 -d x $P|malformed size
	EOF
}

@test "durations: shmls and shmrm --older-than" {
	local rows=() d why
	while IFS='|' read -r d why; do
		rows+=("2|shmls --older-than $d|$why" "2|shmrm --older-than $d --all|$why"
		    "2|shmrm --all --older-than=$d|$why")
	done <<-'EOF'
	10x|unknown duration unit
	-5m|malformed duration
	+5m|malformed duration
	''|malformed duration
	m|malformed duration
	1.5h|unknown duration unit
	'5 m'|unknown duration unit
	' 5m'|malformed duration
	1hh|junk after the unit
	5M|unknown duration unit
	99999999999999999999|duration too long
	99999999999w|duration too long
	EOF
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "users: shmls and shmrm -u" {
	check_rows <<-'EOF'
	2|shmls -u nosuchuser|no such user
	2|shmls -u ''|no such user
	2|shmls -u -1|no such user
	2|shmls --user=4294967295|no such user
	2|shmrm -u nosuch --all|no such user
	2|shmrm --all -u ''|no such user
	2|shmrm -u 99999999999 --orphans|no such user
	EOF
}

@test "shmls: columns, sort keys and time formats" {
	check_rows <<-'EOF'
	2|shmls -o NOSUCH|unknown column
	2|shmls -o TYPE,,SIZE|unknown column
	2|shmls -o ''|no columns
	2|shmls -o +NOSUCH|unknown column
	2|shmls --sort NOSUCH|unknown column
	2|shmls --sort ''|unknown column
	2|shmls --time-format bogus|expected short, full or iso
	2|shmls --time-format ''|expected short, full or iso
	EOF
}

@test "shmmk --ftok: a bad PROJ" {
	check_rows <<-'EOF'
	2|shmmk -s 1K --ftok /etc/passwd:0|PROJ must be 1 to 255
	2|shmmk -s 1K --ftok /etc/passwd:256|PROJ must be 1 to 255
	2|shmmk -s 1K --ftok /etc/passwd:x|PROJ must be 1 to 255
	2|shmmk -s 1K --ftok /etc/passwd:-1|PROJ must be 1 to 255
	2|shmmk -s 1K --ftok /etc/passwd:|PROJ must be 1 to 255
	1|shmmk -s 1K --ftok /nonexistent|No such file or directory
	1|shmmk -s 1K --ftok /nonexistent:7|No such file or directory
	EOF
}

# --- options ---------------------------------------------------------------------

@test "unknown options and options missing their argument, for every program" {
	local rows=() prog
	for prog in shmmk shmcat shmput shmls shmrm shmresize; do
		rows+=("2|$prog --bogus \$P|unrecognized option '--bogus'"
		    "2|$prog -Q \$P|invalid option -- 'Q'"
		    "2|$prog --help=x|doesn't allow an argument"
		    "2|$prog --version=1|doesn't allow an argument"
		    "2|$prog -- --bogus|")
		# Only shmls runs without an operand.
		[[ $prog == shmls ]] || rows+=("2|$prog --|")
	done
	rows+=("2|shmmk -s|requires an argument" "2|shmmk \$N -m|requires an argument"
	    "2|shmmk --ftok|requires an argument" "2|shmcat \$P -o|requires an argument"
	    "2|shmcat \$P --length|requires an argument" "2|shmput \$P -d|requires an argument"
	    "2|shmput \$P -i|requires an argument" "2|shmls -o|requires an argument"
	    "2|shmls --sort|requires an argument" "2|shmls -u|requires an argument"
	    "2|shmls --older-than|requires an argument" "2|shmrm --all -u|requires an argument"
	    "2|shmrm --all --older-than|requires an argument" "2|shmrm --dry-run=yes \$P|doesn't allow"
	    "2|shmresize -f=1 \$P 1K|invalid option" "2|shmls --json=x|doesn't allow")
	printf '%s\n' "${rows[@]}" | check_rows
}

@test "options in the wrong combination" {
	check_rows <<-'EOF'
	2|shmput -d x -i /etc/hostname $P|exclude each other
	2|shmput -i /etc/hostname -d x $P|exclude each other
	2|shmmk --private 0x1|cannot be given with --private
	2|shmmk -s 1K --private $N|cannot be given with --private
	2|shmmk --private --ftok /etc/passwd|exclude each other
	2|shmmk -s 1K --ftok /etc/passwd $N|cannot be given with --ftok
	2|shmls --limits --sysv|--limits takes no ADDRESS or filter
	2|shmls --limits --unused|--limits takes no ADDRESS or filter
	2|shmls --limits $P|--limits takes no ADDRESS or filter
	2|shmls --summary --limits|exclude each other
	2|shmls --limits --summary|exclude each other
	2|shmls --memfd $P|exclude each other
	2|shmls --unused $K|exclude each other
	2|shmls --orphans $P|exclude each other
	2|shmls --older-than 1h $P|exclude each other
	2|shmls -u root $P|exclude each other
	2|shmls --sysv $K|exclude each other
	2|shmrm --all /x|exclude each other
	2|shmrm --all $P|exclude each other
	2|shmrm $K --orphans|exclude each other
	2|shmrm -u root $K|exclude each other
	2|shmrm --older-than 1h $P|exclude each other
	2|shmrm --posix|a bulk removal needs
	2|shmrm --sysv|a bulk removal needs
	2|shmrm --sysv --posix -f -v|a bulk removal needs
	2|shmrm --all memfd:1:3|exclude each other
	EOF
}

# --- operands ----------------------------------------------------------------------

@test "operands of the wrong kind" {
	check_rows <<-'EOF'
	2|shmmk -s 1K id:3|a shmid is chosen by the kernel
	2|shmmk -s 1K 3|a shmid is chosen by the kernel
	2|shmmk -s 1K id:0|a shmid is chosen by the kernel
	2|shmmk memfd:1:3|a memfd is made by memfd_create
	2|shmmk -s 1K memfd:1:3|a memfd is made by memfd_create
	2|shmmk -s 1K key:0|key 0 is IPC_PRIVATE
	2|shmrm memfd:1:3|cannot take a memfd address
	2|shmrm $P memfd:1:3|cannot take a memfd address
	2|shmrm -f memfd:1:3 $K|cannot take a memfd address
	2|shmrm -n memfd:1:3|cannot take a memfd address
	EOF
}

@test "missing operands" {
	check_rows <<-'EOF'
	2|shmmk|missing ADDRESS
	2|shmmk -s 1K|missing ADDRESS
	2|shmmk --reuse -m 600|missing ADDRESS
	2|shmcat|missing ADDRESS
	2|shmcat -s -o 1|missing ADDRESS
	2|shmput|missing ADDRESS
	2|shmput -d x|missing ADDRESS
	2|shmput -i /etc/hostname|missing ADDRESS
	2|shmrm|missing ADDRESS
	2|shmrm -f|missing ADDRESS
	2|shmrm -n -v|missing ADDRESS
	2|shmresize|expected ADDRESS and SIZE
	2|shmresize $P|expected ADDRESS and SIZE
	2|shmresize -f $K|expected ADDRESS and SIZE
	EOF
}

@test "too many operands" {
	check_rows <<-'EOF'
	2|shmmk $N $N2|one ADDRESS at a time
	2|shmmk -s 1K $N $K|one ADDRESS at a time
	2|shmput -d x $P $P|one ADDRESS at a time
	2|shmput -d x $P $K|one ADDRESS at a time
	2|shmresize $P 1K 2K|too many operands
	2|shmresize $P 1K $K|too many operands
	EOF
}

@test "a bad operand among good ones: nothing is done to the good ones" {
	check_rows <<-'EOF'
	2|shmrm $P $K /a/b|cannot contain '/'
	2|shmrm $P 0xg $K|malformed key
	2|shmrm -f $K $P ''|empty address
	2|shmrm -v $P $K id:-1|malformed id
	2|shmcat $P $K bogus|not an address
	2|shmls $P $K key:|malformed key
	EOF
}

# --- operations that fail: exit 1 ----------------------------------------------------

@test "operations that fail exit 1 with the reason and change nothing" {
	check_rows <<-'EOF'
	1|shmcat $MISSING|no such object in /dev/shm
	1|shmcat $MISSING_KEY|no such segment
	1|shmcat id:2147483647|no such segment
	1|shmcat -o 5000 $P|beyond the end
	1|shmcat -o 5000 $K|beyond the end
	1|shmput -d x $MISSING|no such object in /dev/shm
	1|shmput -d x $MISSING_KEY|no such segment
	1|shmput -d toolong -o 4094 $P|does not fit
	1|shmput -d toolong -o 4094 $K|does not fit
	1|shmput -o 5000 -d x $P|beyond the end
	1|shmput -i /nonexistent $P|No such file or directory
	1|shmput -i / $P|
	1|shmmk -s 1K $P|already exists
	1|shmmk -s 1K $K|already exists
	1|shmmk -s 1K file:/nonexistent/dir/x|
	1|shmmk --reuse -s 8K $P|
	1|shmmk --reuse -s 8K $K|
	1|shmrm $MISSING|no such object in /dev/shm
	1|shmrm $MISSING_KEY|no such segment
	1|shmrm id:2147483647|no such segment
	1|shmrm file:/nonexistent|no such file
	1|shmls $MISSING|no such object in /dev/shm
	1|shmls $MISSING_KEY|no such segment
	1|shmls memfd:1:999999|
	1|shmresize $MISSING 1K|no such object in /dev/shm
	1|shmresize $MISSING_KEY 1K|no such segment
	1|shmresize $P -8K|out of range
	1|shmresize $K -8K|out of range
	1|shmresize $P +9223372036854771712|out of range
	1|shmresize $K +9223372036854771712|
	1|shmresize file:/nonexistent 1K|no such file
	EOF
}

@test "an option missing its argument is not called an unknown option" {
	local cmd
	for cmd in "shmmk -s" "shmcat -o" "shmput -d" "shmls -o" "shmrm --all -u" \
	    "shmls --older-than"; do
		# shellcheck disable=SC2086
		run --separate-stderr -2 $cmd
		[[ $stderr == *"requires an argument"* ]] || fail "$cmd: $stderr"
		[[ $stderr != *"unknown option"* ]] || fail "$cmd: $stderr"
	done
}

@test "shmmk --ftok with an empty or missing PATH names the option first" {
	run --separate-stderr shmmk -s 1K --ftok ''
	(( status == 1 || status == 2 )) || fail "exit $status"
	[[ $stderr == "shmmk: --ftok"* ]] || fail "stderr: $stderr"
	run --separate-stderr -1 shmmk -s 1K --ftok /nonexistent
	[[ $stderr == "shmmk: --ftok"*"/nonexistent"*"No such file"* ]] ||
	    fail "stderr: $stderr"
}

# --- slips a newcomer makes get a pointer to the shmtools spelling -------------

@test "ipcs and ipcrm habits: an invalid option that says what shmtools writes" {
	check_rows <<-'EOF2'
	2|shmls -m|-m is ipcs's; shmls --sysv lists System V segments
	2|shmls -a|-a is ipcs's; shmls lists every kind by default
	2|shmls -p|shmls -o +CPID,LPID
	2|shmls -i 5|shmtools writes id:ID
	2|shmrm -m 5|-m is ipcrm's; shmtools writes id:ID (shmrm id:ID)
	2|shmrm -M $K|-M is ipcrm's; shmtools writes a key as 0xKEY
	2|shmrm -a|-a is ipcrm's; shmrm --all removes every segment no process uses
	EOF2
	# the hint is the line between getopt's and the usage hint
	run --separate-stderr -2 shmrm -m 5
	assert_equal "$stderr" "shmrm: invalid option -- 'm'
shmrm: -m is ipcrm's; shmtools writes id:ID (shmrm id:ID)
Try 'shmrm --help'."
	# the other programs' own -m and -a stay theirs, without a hint
	run --separate-stderr -2 shmcat -m "$P"
	[[ $stderr != *"ipc"* ]] || fail "shmcat -m: $stderr"
}

@test "a /dev/shm path is pointed to its ADDRESS, /NAME" {
	local name=${P#/}
	check_rows <<-EOF2
	2|shmcat /dev/shm/$name|the object /dev/shm/$name is written /$name
	2|shmrm /dev/shm/$name|the object /dev/shm/$name is written /$name
	2|shmls /dev/shm/$name|the object /dev/shm/$name is written /$name
	2|shmcat /dev/shm/a/b|a POSIX name cannot contain '/'
	EOF2
}

@test "shmput ADDRESS DATA says that the data goes with -d or on stdin" {
	check_rows <<-'EOF2'
	2|shmput $P hello|the data goes with -d DATA, -i FILE or on stdin
	2|shmput -d x $P $K|one ADDRESS at a time
	EOF2
}

@test "a bare number is a shmid, and the message says how a key is written" {
	check_rows <<-'EOF2'
	1|shmcat 999999|a bare number is a shmid, id:999999, not a key: a key is written 0xHEX, or key:999999 in decimal
	1|shmrm 999999|a bare number is a shmid, id:999999
	1|shmcat id:999999|no such segment
	EOF2
	run --separate-stderr -1 shmcat id:999999
	[[ $stderr != *"bare number"* ]] || fail "id:N is not bare: $stderr"
	run --separate-stderr -1 shmcat "$MISSING_KEY"
	[[ $stderr != *"bare number"* ]] || fail "a key is not bare: $stderr"
}

@test "writing into a 0-byte object says it is empty and suggests --grow" {
	shmmk -s 0 "$N" >/dev/null
	run --separate-stderr -1 shmput -d hi "$N"
	assert_equal "$stderr" "shmput: $N: the segment is empty (0 bytes): nothing fits, nothing written (--grow extends it)"
	run --separate-stderr -1 shmput "$N" <<<"hi"
	assert_equal "$stderr" "shmput: $N: the segment is empty (0 bytes): nothing fits, nothing written (--grow extends it)"
	[[ $(stat -c %s "/dev/shm$N") == 0 ]] || fail "the object changed"
	# a full segment through a pipe: --grow said too
	run --separate-stderr -1 shmput -o 4094 "$P" < <(echo hello)
	assert_stderr_has "--grow extends it"
	run -0 shmput -g -d hi "$N"
	run -0 shmcat "$N"
	assert_output hi
}
