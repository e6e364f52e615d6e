#!/usr/bin/env bats
# 85-completion.bats - the bash, zsh and fish completions: live ADDRESSes
# and column names from shmls, nothing where a SIZE or MODE goes, and every
# long option of every program in all three.

bats_require_minimum_version 1.5.0
load test_helper
load completion

PROGRAMS=(shmmk shmcat shmput shmls shmrm shmresize)

setup() {
	COMPLETIONS=$SHMT_SRCDIR/completions
	# Where a completion must offer nothing, files here would show it.
	mkdir "$BATS_TEST_TMPDIR/cwd"
	touch "$BATS_TEST_TMPDIR/cwd/data.txt"
	cd "$BATS_TEST_TMPDIR/cwd"
}

teardown() {
	stop_clients
	cleanup_segments
}

# other_places: $IPC, a sleep in an IPC namespace of its own, $MNT, one in
# a mount namespace of its own, and $SAME, one in ours; -N offers the
# first two.
other_places() {
	need_root
	unshare --ipc --mount true 2>/dev/null || skip "cannot make namespaces"
	start_client IPC unshare --ipc sleep 1000
	start_client MNT unshare --mount --propagation private sleep 1000
	start_client SAME sleep 1000
	local p
	for p in "$IPC" "$MNT" "$SAME"; do
		wait_until 5 _runs "$p" sleep || fail "sleep $p did not start"
	done
}

# --- bash ------------------------------------------------------------------

@test "bash: ADDRESS completes live POSIX names and System V keys" {
	local name key prog
	make_key_and_name 4K
	for prog in shmcat shmput shmls shmrm shmresize; do
		run -0 complete_bash "$prog "
		assert_line "$name"
		assert_line "$key"
	done
}

@test "bash: ADDRESS completion keeps to what was typed" {
	local name key
	make_key_and_name 4K
	run -0 complete_bash "shmcat ${name:0:8}"
	assert_line "$name"
	refute_line "$key"
	run -0 complete_bash "shmrm ${key:0:6}"
	assert_line "$key"
	refute_line "$name"
}

@test "bash: a private segment completes after id:" {
	local addr
	addr=$(shmmk --private -s 4K)
	track "$addr"
	run -0 complete_bash "shmcat id:"
	# readline replaces only the part after the colon
	assert_line "${addr#id:}"
}

@test "bash: a name with a blank completes quoted" {
	local name
	name="$(new_name) x"
	track "$name"
	shmmk -s 4K "$name"
	run -0 complete_bash "shmrm ${name% x}"
	assert_line "${name% x}\\ x"
}

@test "bash: shmrm offers no memfd (it cannot remove one)" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	# a stand-in shmls, since shmls lists a memfd only when asked for it
	cat >"$BATS_TEST_TMPDIR/bin/shmls" <<-'EOF'
	#!/bin/sh
	printf '%s\n' '/shmt-posix posix' '0x5e000001 sysv' 'memfd:1:3 memfd'
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/shmls"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run -0 complete_bash "shmrm "
	assert_output $'/shmt-posix\n0x5e000001'
	PATH=$BATS_TEST_TMPDIR/bin:$PATH run -0 complete_bash "shmcat "
	assert_line memfd:1:3
}

# fake_shmls: a stand-in shmls on PATH that lists a POSIX object, a System
# V segment and an unlinked POSIX object (whose address shmrm cannot take)
fake_shmls() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/shmls" <<-'EOF'
	#!/bin/sh
	case "$*" in
	*SIZE*)	printf '%s\n' '/shmt-posix posix 4.0K' '0x5e000001 sysv 4.0K' \
		    'deleted:7:3 posix 8.0K' ;;
	*)	printf '%s\n' '/shmt-posix posix' '0x5e000001 sysv' \
		    'deleted:7:3 posix' ;;
	esac
	EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/shmls"
	PATH=$BATS_TEST_TMPDIR/bin:$PATH
}

@test "bash, zsh, fish: shmrm offers no unlinked object; shmcat does" {
	fake_shmls
	run -0 complete_bash "shmrm "
	assert_output $'/shmt-posix\n0x5e000001'
	run -0 complete_bash "shmcat "
	assert_line deleted:7:3
	run -0 complete_fish "shmrm "
	refute_line --partial deleted:
	run -0 complete_fish "shmput "
	assert_line "deleted:7:3"$'\tunlinked posix, 8.0K'
	run -0 complete_zsh "shmrm "
	refute_line --partial deleted:
	assert_line /shmt-posix
	run -0 complete_zsh "shmresize "
	assert_line deleted:7:3
}

@test "bash: shmmk offers the forms of a new ADDRESS, not existing ones" {
	local name
	name=$(new_name)
	shmmk -s 4K "$name"
	run -0 complete_bash "shmmk "
	assert_output $'/\n0x\nfile:'
	run -0 complete_bash "shmmk -s 4K -m 644 "
	assert_output $'/\n0x\nfile:'
	run -0 complete_bash "shmmk --private "
	assert_output ''
	run -0 complete_bash "shmmk $name "
	assert_output ''
}

@test "bash: file: completes paths" {
	run -0 complete_bash "shmmk file:da"
	assert_output data.txt
	run -0 complete_bash "shmcat file:$BATS_TEST_TMPDIR/cwd/da"
	assert_output "$BATS_TEST_TMPDIR/cwd/data.txt"
}

@test "bash: -<TAB> offers every long option of every program" {
	local prog opt
	for prog in "${PROGRAMS[@]}"; do
		run -0 complete_bash "$prog -"
		for opt in $(long_options "$prog" | sed 's/^/--/'); do
			assert_line "$opt"
		done
	done
}

@test "bash: shmls -o completes column names" {
	run -0 complete_bash "shmls -o TY"
	assert_output TYPE
	run -0 complete_bash "shmls -o TYPE,SI"
	assert_output TYPE,SIZE
	run -0 complete_bash "shmls --output=TYPE,SI"
	assert_output TYPE,SIZE
	run -0 complete_bash "shmls -o +NAM"
	assert_output +NAME
	run -0 complete_bash "shmls -o TYPE,SIZE,ST"
	assert_output TYPE,SIZE,STATUS
	# all of them, from shmls --list-columns
	run -0 complete_bash "shmls -o "
	assert_output "$(shmls --list-columns | awk '{ print $1 }')"
}

@test "bash: shmls --time-format completes its formats" {
	run -0 complete_bash "shmls --time-format "
	assert_output $'short\nfull\niso'
}

@test "bash: SIZE, MODE, OFFSET, LENGTH and DATA complete nothing" {
	local name line
	name=$(new_name)
	shmmk -s 4K "$name"
	for line in "shmmk -s " "shmmk --size " "shmmk -m " "shmcat -o " \
	    "shmcat -n " "shmcat --length=" "shmput -o " "shmput -d " \
	    "shmresize $name " "shmresize -f $name -"; do
		run -0 complete_bash "$line"
		assert_output ''
	done
}

@test "bash: shmput -i and shmmk --ftok complete files" {
	run -0 complete_bash "shmput -i da"
	assert_output data.txt
	run -0 complete_bash "shmput --input=da"
	assert_output data.txt
	run -0 complete_bash "shmmk --ftok da"
	assert_output data.txt
}

@test "bash: -N completes the PIDs of processes in another IPC or mount namespace" {
	local prog
	other_places
	for prog in "${PROGRAMS[@]}"; do
		run -0 complete_bash "$prog -N "
		assert_line "$IPC"
		assert_line "$MNT"
		refute_line "$SAME"
		refute_line "$$"
	done
	run -0 complete_bash "shmls --namespace=${IPC:0:1}"
	assert_line "$IPC"
	refute_line "$SAME"
}

@test "bash: after -N PID, ADDRESS completes that place's segments" {
	local ours theirs
	other_places
	ours=$(new_key) theirs=$(new_key)
	shmmk -s 1K "$ours" >/dev/null
	nsenter -t "$IPC" --ipc shmmk -s 1K "$theirs" >/dev/null
	run -0 complete_bash "shmcat -N $IPC "
	assert_line "$theirs"
	refute_line "$ours"
	run -0 complete_bash "shmrm --namespace=$IPC 0x"
	assert_line "$theirs"
	refute_line "$ours"
	run -0 complete_bash "shmcat "
	assert_line "$ours"
	refute_line "$theirs"
}

@test "bash: -A for shmls and shmrm; shmrm -A takes no ADDRESS" {
	local name key
	make_key_and_name 4K
	run -0 complete_bash "shmls --all-n"
	assert_output --all-namespaces
	run -0 complete_bash "shmrm --all-n"
	assert_output --all-namespaces
	run -0 complete_bash "shmrm -A "
	assert_output ""
	run -0 complete_bash "shmcat --all-n"
	assert_output ""
}

# --- fish ------------------------------------------------------------------

@test "fish: PROG -- lists every long option" {
	local prog opt
	for prog in "${PROGRAMS[@]}"; do
		run -0 complete_fish "$prog --"
		for opt in $(long_options "$prog" | sed 's/^/--/'); do
			assert_line --regexp "^$opt($|"$'\t'")"
		done
	done
}

@test "fish: ADDRESS completes live segments with their type" {
	local name key
	make_key_and_name 4K
	run -0 complete_fish "shmrm "
	assert_line --partial "$name"$'\tposix, '
	assert_line --partial "$key"$'\tsysv, '
	run -0 complete_fish "shmmk "
	refute_line --partial "$name"
}

@test "fish: shmls -o completes column names" {
	run -0 complete_fish "shmls -o TYPE,SI"
	assert_line --partial TYPE,SIZE$'\t'
	run -0 complete_fish "shmls -o +NA"
	assert_line --partial +NAME$'\t'
}

@test "fish: -N completes PIDs in another namespace, described by their command" {
	other_places
	run -0 complete_fish "shmls -N "
	assert_line "$IPC"$'\tsleep'
	assert_line "$MNT"$'\tsleep'
	refute_line --partial "$SAME"$'\t'
	run -0 complete_fish "shmrm --namespace="
	assert_line --partial "--namespace=$IPC"$'\t'
}

@test "fish and zsh: after -N PID, ADDRESS completes that place's segments" {
	local ours theirs
	other_places
	ours=$(new_key) theirs=$(new_key)
	shmmk -s 1K "$ours" >/dev/null
	nsenter -t "$IPC" --ipc shmmk -s 1K "$theirs" >/dev/null
	run -0 complete_fish "shmcat -N $IPC "
	assert_line --partial "$theirs"$'\tsysv, '
	refute_line --partial "$ours"
	run -0 complete_fish "shmrm --namespace=$IPC "
	assert_line --partial "$theirs"$'\tsysv, '
	run -0 complete_zsh "shmcat -N $IPC "
	assert_line "$theirs"
	refute_line "$ours"
}

# --- zsh -------------------------------------------------------------------

@test "zsh: every completion file is #compdef PROG and passes zsh -n" {
	local prog
	for prog in "${PROGRAMS[@]}"; do
		zsh -n "$COMPLETIONS/zsh/_$prog"
		run -0 head -n 1 "$COMPLETIONS/zsh/_$prog"
		assert_output "#compdef $prog"
	done
}

@test "zsh: ADDRESS completes live segments, shmls -o column names" {
	local name key
	make_key_and_name 4K
	run -0 complete_zsh "shmrm "
	assert_line "$name"
	assert_line "$key"
	run -0 complete_zsh "shmls -o TYPE,SI"
	assert_line TYPE,SIZE
}

@test "zsh: -N completes PIDs in another namespace" {
	other_places
	run -0 complete_zsh "shmcat -N "
	assert_line "$IPC"
	assert_line "$MNT"
	refute_line "$SAME"
}

# huge_sizes: the huge page sizes of this kernel as --huge takes them,
# from sysfs, one a line, sorted.
huge_sizes() {
	local d kb
	for d in /sys/kernel/mm/hugepages/hugepages-*kB; do
		[[ -d $d ]] || continue
		kb=${d##*-}
		kb=${kb%kB}
		if (( kb % 1048576 == 0 )); then echo "$(( kb / 1048576 ))G"
		elif (( kb % 1024 == 0 )); then echo "$(( kb / 1024 ))M"
		else echo "${kb}K"; fi
	done | sort
}

@test "shmmk --huge= completes this kernel's huge page sizes in bash, zsh and fish" {
	[[ -n $(huge_sizes) ]] || skip "no huge pages on this kernel"
	run -0 complete_bash "shmmk --huge="
	assert_equal "$(sort <<<"$output")" "$(huge_sizes)"
	run -0 complete_bash "shmmk --hu"
	assert_output $'--huge\n--huge='
	run -0 complete_fish "shmmk --huge="
	assert_equal "$(cut -f1 <<<"$output" | sort)" "$(huge_sizes | sed 's/^/--huge=/')"
	run -0 complete_zsh "shmmk --huge="
	for size in $(huge_sizes); do
		assert_line -- "--huge=$size"
	done
}

# --- all three -------------------------------------------------------------

@test "every long option of every program is in all three completions" {
	local prog opt
	for prog in "${PROGRAMS[@]}"; do
		for opt in $(long_options "$prog" | sed 's/^/--/'); do
			grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" \
			    "$COMPLETIONS/bash/$prog" ||
				fail "$opt of $prog is not in completions/bash/$prog"
			grep -qE -- "(^|[^a-z-])$opt([^a-z-]|\$)" \
			    "$COMPLETIONS/zsh/_$prog" ||
				fail "$opt of $prog is not in completions/zsh/_$prog"
			grep -qE -- "-l ${opt#--}( |\$)" \
			    "$COMPLETIONS/fish/$prog.fish" ||
				fail "$opt of $prog is not in completions/fish/$prog.fish"
		done
	done
}

@test "zsh: two segments of the same type and size are listed on lines of their own" {
	local k1 k2 n1
	k1=$(new_key)
	k2=$(new_key)
	n1=$(new_name)
	shmmk -s 4K "$k1"
	shmmk -s 4K "$k2"
	shmmk -s 4K "$n1"
	run -0 complete_zsh "shmrm " shown
	# _describe would group the two keys: "KEY1 KEY2 -- sysv, 4.0K"
	assert_line --regexp "^$k1 +-- sysv, 4\.0K\$"
	assert_line --regexp "^$k2 +-- sysv, 4\.0K\$"
	assert_line --regexp "^$n1 +-- posix, 4\.0K\$"
	# and what is completed is still the bare ADDRESS
	run -0 complete_zsh "shmrm "
	assert_line "$k1"
	assert_line "$k2"
}

@test "zsh: the completion files say that compinit must run" {
	local f
	for f in "$COMPLETIONS"/zsh/_shm*; do
		grep -q 'compinit must run' "$f" || fail "$f does not say so"
	done
}

@test "fish: --older-than is described as --help describes it" {
	local prog want got
	for prog in shmls shmrm; do
		want=$("$prog" --help | sed -n 's/^ *--older-than DURATION *//p')
		[[ -n $want ]] || fail "$prog --help has no --older-than"
		got=$(complete_fish "$prog --older" | awk -F '\t' '$1 == "--older-than" { print $2 }')
		assert_equal "$got" "$want"
	done
}

@test "zsh: a name with a colon or a blank is offered whole, and listed on its own line" {
	local name
	name="$(new_name):a b"
	track "$name"
	shmmk -s 4K "$name"
	# inserted quoted, as zsh quotes a blank
	run -0 complete_zsh "shmrm ${name%%:*}"
	assert_line "${name// /\\ }"
	run -0 complete_zsh "shmrm ${name%%:*}" shown
	assert_line --regexp "^${name%%:*}:a b +-- posix, 4\\.0K\$"
}
