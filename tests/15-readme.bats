#!/usr/bin/env bats
# 15-readme.bats - README.md as a newcomer walks it, as root on a fresh
# Debian 12: the set-up as far as the suite can replay it (the package
# list is .ci/run's, make install, make demo), then the tour, every
# ```console block in order with its output compared exactly, the man
# pages by name, and completion in bash, zsh and fish from the installed
# files, found as each shell finds them for a user; make uninstall last.
#
# make install goes where a newcomer's goes (the build's prefix, which
# must be /usr/local), onto tmpfs mounted in this file's private mount
# namespace over every directory it writes to: the machine's own
# /usr/local is never touched.  The commands run with a newcomer's
# environment: root's PATH on Debian, an empty HOME, no locale.  Only
# what cannot be reproduced is normalised: times of day (HH:MM) in the
# output, and SHMTOOLS_PIDNS_PRIVATE=1, which tells shmls what is true of
# a machine's initial PID namespace and of run-bats's, that it sees every
# process (not true of other namespaces, where it would show ? instead).

load test_helper
load completion

NEWPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# The directories make install writes to, outside /usr/local.
outside_dirs() {
	local v d
	for v in bashcompletiondir zshcompletiondir fishcompletiondir \
	    fishfunctionsdir systemdsystemunitdir; do
		d=$(make_var "$v")
		[[ -n $d && $d != no && $d != /usr/local/* ]] && echo "$d"
	done | sort -u
}

# fish_line: README's lines for fish's config.fish.
fish_line() {
	sed -n '/^# shmtools under \/usr\/local/,/^```/p' "$SHMT_SRCDIR/README.md" |
	    sed '$d'
}

setup_file() {
	local d prefix
	export NOT_INSTALLED=$BATS_FILE_TMPDIR/not-installed
	echo "needs root and the private namespaces of tests/run-bats" \
	    >"$NOT_INSTALLED"
	[[ $SHMT_HERMETIC == 1 && $(id -u) -eq 0 ]] || return 0
	if [[ ${SHMT_INSTALLED:-} == 1 ]]; then
		echo "SHMT_INSTALLED=1: the build's make install is not tested" \
		    >"$NOT_INSTALLED"
		return 0
	fi
	prefix=$(make_var prefix)
	if [[ $prefix != /usr/local ]]; then
		echo "built with prefix $prefix, not README's /usr/local" \
		    >"$NOT_INSTALLED"
		return 0
	fi
	for d in $(outside_dirs); do
		if [[ ! -d $d ]]; then
			echo "$d, where make install writes, does not exist" \
			    >"$NOT_INSTALLED"
			return 0
		fi
	done
	mount -t tmpfs shmt-usr-local /usr/local
	for d in $(outside_dirs); do
		mount -t tmpfs shmt-install "$d"
	done
	echo /usr/local $(outside_dirs) >"$BATS_FILE_TMPDIR/overlays"
	# README's first command, from "make install" on: the build is the
	# suite's own.
	submake -s -C "$SHMT_BUILDDIR" install >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
	    { echo "make install failed: $(tail -5 "$BATS_FILE_TMPDIR/install.log")" \
	    >"$NOT_INSTALLED"; return 0; }
	rm -f "$NOT_INSTALLED"
	mkdir -p "$BATS_FILE_TMPDIR/home/.config/fish"
	# README's line for fish, which reads no completions under /usr/local
	fish_line >"$BATS_FILE_TMPDIR/home/.config/fish/config.fish"
}

teardown_file() {
	local d
	[[ -f $BATS_FILE_TMPDIR/overlays ]] || return 0
	for d in $(cat "$BATS_FILE_TMPDIR/overlays"); do
		umount -l "$d" 2>/dev/null
	done
	return 0
}

setup() {
	unset XDG_DATA_DIRS
	HOME_NEW=$BATS_FILE_TMPDIR/home
}

# need_installed: skip unless setup_file installed (fail under .ci/run,
# which runs as root in the namespaces: there it must always).
need_installed() {
	[[ -f $NOT_INSTALLED ]] || return 0
	[[ ${SHMT_CI:-} != 1 ]] || fail "not installed: $(cat "$NOT_INSTALLED")"
	skip "$(cat "$NOT_INSTALLED")"
}

# newcomer CMD...: run CMD as a newcomer's root shell would.
newcomer() {
	env -i HOME="$HOME_NEW" PATH="$NEWPATH" TERM=dumb \
	    SHMTOOLS_PIDNS_PRIVATE=1 "$@"
}

# readme_packages N: the packages README's Nth "apt-get install -y
# --no-install-recommends" command installs (1: building, 2: the test
# suite, 3: the monitoring tests), one a line, sorted.
readme_packages() {
	grep -o 'apt-get install -y --no-install-recommends [^&`]*' \
	    "$SHMT_SRCDIR/README.md" | sed -n "$1p" | cut -d' ' -f5- |
	    tr -s ' ' '\n' | sed '/^$/d' | sort
}
# ci_packages LIST: .ci/run's LIST=(...) (build_deps, test_deps,
# monitor_deps), one a line, sorted.
ci_packages() {
	awk -v n="$1" 'index($0, n "=(") == 1 { on = 1 }
	    on { print; if (/\)/) exit }' "$SHMT_SRCDIR/.ci/run" |
	    sed -e "s/^$1=(//" -e 's/)$//' | tr -s ' \t' '\n' |
	    sed '/^$/d' | sort
}

# console_blocks: README's ```console blocks, one after the other.
console_blocks() {
	awk '/^```console$/ { on = 1; next } /^```/ { on = 0 } on' \
	    "$SHMT_SRCDIR/README.md"
}

# times_normalised: times of day as HH:MM.
times_normalised() {
	sed -E 's/(^|[^0-9])([01][0-9]|2[0-3]):[0-5][0-9]($|[^0-9])/\1HH:MM\3/g'
}

@test "README's package lists are .ci/run's: building (with git and man-db), the suite, the monitoring tests" {
	local n list
	n=1
	for list in build_deps test_deps monitor_deps; do
		run readme_packages "$n"
		assert_success
		[[ -n $output ]] || fail "README has no command $n of apt-get install"
		local readme=$output
		run ci_packages "$list"
		assert_equal "$output" "$readme"
		n=$((n + 1))
	done
	run readme_packages 1
	assert_line git
	assert_line man-db
	refute_line prometheus
	run readme_packages 2
	assert_line bats
	assert_line groff-base
}

@test "set-up: make demo shows a segment of each kind and leaves nothing behind" {
	need_installed
	assert_equal "$(sysv_count)" 0
	run newcomer make -s -C "$SHMT_BUILDDIR" demo
	touch "$BATS_FILE_TMPDIR/demo-ran"
	assert_success
	local kind
	for kind in sysv posix file memfd; do
		assert_line --regexp "^$kind +[^ ]+ +4\\.0K root "
	done
	refute_output --partial '?'
	assert_equal "$(sysv_count)" 0
	assert_equal "$(devshm_count)" 0
}

@test "the tour: every console block of README.md, replayed in order, prints what README shows" {
	need_installed
	local script=$BATS_TEST_TMPDIR/tour.sh line n=0
	# the demo first, once, as the set-up runs it (if the test before
	# did not): it uses the first System V id
	[[ -f $BATS_FILE_TMPDIR/demo-ran ]] ||
	    newcomer make -s -C "$SHMT_BUILDDIR" demo >/dev/null 2>&1 ||
	    fail "make demo failed"
	console_blocks >"$BATS_TEST_TMPDIR/readme"
	{
		echo 'exec 2>&1'
		while IFS= read -r line; do
			[[ $line == '$ '* ]] || continue
			n=$((n + 1))
			printf 'printf "%%s\\n" %q\n%s\n' "$line" "${line#\$ }"
		done <"$BATS_TEST_TMPDIR/readme"
	} >"$script"
	(( n >= 10 )) || fail "only $n commands in README's console blocks"
	cd "$HOME_NEW"
	newcomer bash --norc --noprofile "$script" >"$BATS_TEST_TMPDIR/seen"
	diff -u <(times_normalised <"$BATS_TEST_TMPDIR/readme") \
	    <(times_normalised <"$BATS_TEST_TMPDIR/seen") ||
	    fail "README's transcript (-) differs from what the tour prints (+)"
	# and it left nothing behind
	assert_equal "$(devshm_count)" 0
}

@test "man finds every page by name after the set-up" {
	need_installed
	local p
	for p in shmmk shmcat shmput shmls shmrm shmresize; do
		run -0 newcomer man -w "$p"
		assert_output "/usr/local/share/man/man1/$p.1"
	done
	run -0 newcomer man -w shmtools
	assert_output /usr/local/share/man/man7/shmtools.7
	run -0 newcomer man shmtools
	assert_output --partial "ADDRESS"
}

@test "after make install, bash, zsh and fish complete ADDRESSes from the installed files" {
	need_installed
	local name=/tab-$$
	newcomer shmmk -s 4K "$name" >/dev/null
	# the installed completion files, as each shell finds them
	COMPLETIONS=
	PATH=$NEWPATH HOME=$HOME_NEW run -0 complete_bash "shmrm /tab"
	assert_output "$name"
	PATH=$NEWPATH HOME=$HOME_NEW run -0 complete_fish "shmrm /tab"
	assert_output "$name"$'\t'"posix, 4.0K"
	PATH=$NEWPATH HOME=$HOME_NEW run -0 complete_zsh "shmrm /tab"
	assert_line "$name"
	PATH=$NEWPATH HOME=$HOME_NEW run -0 complete_fish "shmls --older"
	assert_line --partial "--older-than"
	newcomer shmrm "$name"
}

@test "make uninstall removes every file make install wrote, and shmtools' own directory" {
	need_installed
	local d
	run submake -s -C "$SHMT_BUILDDIR" uninstall
	assert_success
	for d in $(cat "$BATS_FILE_TMPDIR/overlays"); do
		run find "$d" ! -type d
		assert_output ""
	done
	[[ ! -e /usr/local/libexec/shmtools ]] ||
	    fail "/usr/local/libexec/shmtools is left"
}
