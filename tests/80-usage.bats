#!/usr/bin/env bats
# 80-usage.bats - the meta-test, in the spirit of util-linux's checkusage:
# every program answers --help and --version, rejects what it does not
# know with exit 2, detects write errors, and is documented in its man page.

load test_helper

teardown() {
	stop_clients
	cleanup_segments
}

PROGS=(shmmk shmcat shmput shmls shmrm shmresize)

# Programs that need at least one operand.
NEED_OPERANDS=(shmmk shmcat shmput shmrm shmresize)

# --- local helpers -------------------------------------------------------

# The version configure.ac gives, which --version must print.
package_version() {
	sed -n 's/^AC_INIT(\[shmtools\], *\[\([^]]*\)\].*/\1/p' \
	    "$SHMT_SRCDIR/configure.ac"
}

# man_page PROG: the path of PROG's man page in the source tree.
man_page() {
	printf '%s/man/%s.1\n' "$SHMT_SRCDIR" "$1"
}

# --- --help, --version ----------------------------------------------------------

@test "--help and -h: exit 0, Usage: on stdout, nothing on stderr" {
	for p in "${PROGS[@]}"; do
		for opt in --help -h; do
			run --separate-stderr "$p" "$opt"
			[[ $status -eq 0 ]] || fail "$p $opt exited $status"
			[[ ${lines[0]} == "Usage: $p "* ]] ||
			    fail "$p $opt: first line is '${lines[0]}'"
			[[ -z $stderr ]] || fail "$p $opt wrote to stderr: $stderr"
		done
		[[ $("$p" --help) == "$("$p" -h)" ]] ||
		    fail "$p: -h and --help differ"
	done
}

@test "--help wins over operands and other options" {
	for p in "${PROGS[@]}"; do
		run --separate-stderr "$p" --help /some/bad/address
		[[ $status -eq 0 && $output == Usage:* ]] ||
		    fail "$p --help with an operand: $status"
	done
}

@test "--version and -V print 'PROG (shmtools) VERSION' and exit 0" {
	version=$(package_version)
	[[ -n $version ]] || fail "no version in $SHMT_SRCDIR/configure.ac"
	for p in "${PROGS[@]}"; do
		for opt in --version -V; do
			run --separate-stderr "$p" "$opt"
			[[ $status -eq 0 ]] || fail "$p $opt exited $status"
			# a build from git adds its commit (16-install.bats)
			[[ $output == "$p (shmtools) $version" ||
			    $output =~ ^"$p (shmtools) $version"-g[0-9a-f]{12}(-dirty)?$ ]] ||
			    fail "$p $opt printed '$output'"
			[[ -z $stderr ]] || fail "$p $opt wrote to stderr: $stderr"
		done
	done
}

# --- usage errors -------------------------------------------------------------------

@test "an unknown option exits 2 with \"Try 'PROG --help'.\" on stderr and nothing on stdout" {
	for p in "${PROGS[@]}"; do
		for opt in --no-such-option -Q; do
			run --separate-stderr "$p" "$opt" /x
			[[ $status -eq 2 ]] || fail "$p $opt exited $status"
			[[ -z $output ]] || fail "$p $opt wrote to stdout: $output"
			[[ $stderr == "$p: "* ]] ||
			    fail "$p $opt: stderr does not start with '$p: ': $stderr"
			[[ ${stderr##*$'\n'} == "Try '$p --help'." ]] ||
			    fail "$p $opt: last line of stderr: $stderr"
		done
	done
}

@test "an option missing its argument exits 2" {
	for cmd in "shmmk -s" "shmmk -m" "shmmk --ftok" "shmcat /x -o" \
	    "shmcat /x -n" "shmput /x -d" "shmput /x -i" "shmput /x -o" \
	    "shmls -o" "shmls --time-format"; do
		# shellcheck disable=SC2086
		run --separate-stderr $cmd
		[[ $status -eq 2 ]] || fail "'$cmd' exited $status"
		[[ -z $output ]] || fail "'$cmd' wrote to stdout: $output"
		[[ $stderr == *"Try '${cmd%% *} --help'."* ]] ||
		    fail "'$cmd': stderr: $stderr"
	done
}

@test "no operands where one is required exits 2" {
	for p in "${NEED_OPERANDS[@]}"; do
		run --separate-stderr "$p" </dev/null
		[[ $status -eq 2 ]] || fail "$p without operands exited $status"
		[[ -z $output ]] || fail "$p wrote to stdout: $output"
		[[ $stderr == *"Try '$p --help'."* ]] ||
		    fail "$p without operands: stderr: $stderr"
	done
}

# --- write errors ---------------------------------------------------------------------

@test "PROG --help >/dev/full exits non-zero (write error detected)" {
	[[ -w /dev/full ]] || skip "no /dev/full"
	for p in "${PROGS[@]}"; do
		run --separate-stderr bash -c '"$1" --help >/dev/full' _ "$p"
		[[ $status -ne 0 ]] || fail "$p --help >/dev/full exited 0"
		[[ -n $stderr ]] || fail "$p --help >/dev/full said nothing"
		run --separate-stderr bash -c '"$1" --version >/dev/full' _ "$p"
		[[ $status -ne 0 ]] || fail "$p --version >/dev/full exited 0"
	done
	run bash -c 'shmls --list-columns >/dev/full'
	[[ $status -ne 0 ]] || fail "shmls --list-columns >/dev/full exited 0"
}

# --- man pages ---------------------------------------------------------------------------

@test "every program has a man page" {
	for p in "${PROGS[@]}"; do
		[[ -f $(man_page "$p") ]] || fail "$(man_page "$p") does not exist"
	done
}

@test "every long option of PROG --help appears in man/PROG.1" {
	for p in "${PROGS[@]}"; do
		page=$(man_page "$p")
		[[ -f $page ]] || fail "$page does not exist"
		opts=$(long_options "$p")
		[[ -n $opts ]] || fail "$p --help lists no long option"
		for o in $opts; do
			grep -qE "(Fl \\\\-|\\\\-\\\\-)$o([^a-z0-9-]|\$)" "$page" ||
			    fail "$p: --$o is not in $page"
		done
	done
}

@test "every long option a man page documents is one the program has" {
	for p in "${PROGS[@]}"; do
		page=$(man_page "$p")
		[[ -f $page ]] || fail "$page does not exist"
		help_opts=$(long_options "$p")
		for o in $(grep -E '^\.It .*Fl \\-' "$page" |
		    grep -oE 'Fl \\-[a-z][a-z0-9-]*' | sed 's/^Fl \\-//' |
		    sort -u); do
			grep -qx -- "$o" <<<"$help_opts" ||
			    fail "$page documents --$o, which $p --help does not list"
		done
	done
}

@test "every man page has an EXIT STATUS section that mentions 0, 1 and 2" {
	for p in "${PROGS[@]}"; do
		page=$(man_page "$p")
		[[ -f $page ]] || fail "$page does not exist"
		section=$(awk '/^\.Sh /{ on = ($0 ~ /^\.Sh "?EXIT STATUS"?$/) }
		    on' "$page")
		[[ -n $section ]] || fail "$page has no EXIT STATUS section"
		for n in 0 1 2; do
			grep -qE "(^|[^0-9])$n([^0-9]|\$)" <<<"$section" ||
			    fail "$page: EXIT STATUS does not mention $n"
		done
	done
}

@test "every man page is named for its program and renders without warnings" {
	command -v mandoc >/dev/null || command -v groff >/dev/null ||
	    skip "neither mandoc nor groff is installed"
	for p in "${PROGS[@]}"; do
		page=$(man_page "$p")
		[[ -f $page ]] || fail "$page does not exist"
		grep -qx "\\.Nm $p" "$page" || fail "$page: no '.Nm $p'"
		if command -v mandoc >/dev/null; then
			run mandoc -T lint -W warning "$page"
		else
			run groff -mandoc -Tutf8 -ww -z "$page"
		fi
		[[ $status -eq 0 && -z $output ]] ||
		    fail "$page: $output"
	done
}

# man_pages: every page in man/, whatever its section.
man_pages() {
	find "$SHMT_SRCDIR/man" -maxdepth 1 -type f -name '*.[1-9]' | sort
}

@test "every page in man/ reads at 80 columns with man-db and groff: no warning, no line wider than 80" {
	need_tool man man-db
	need_tool groff groff
	local page n=0 width
	while IFS= read -r page; do
		n=$((n + 1))
		# as man shows it in an 80-column terminal, every warning on
		run --separate-stderr env MANWIDTH=80 MAN_KEEP_FORMATTING= \
		    LC_ALL=C.UTF-8 man --warnings=w -l "$page"
		assert_success
		[[ -z $stderr ]] || fail "$page: man warns: $stderr"
		[[ -n $output ]] || fail "$page: rendered empty"
		# ${#line} counts characters in a UTF-8 locale
		width=$(LC_ALL=C.UTF-8 bash -c 'while IFS= read -r l; do
			(( ${#l} <= 80 )) || printf "%s columns: %s\n" "${#l}" "$l"
		done' <<<"$output")
		[[ -z $width ]] || fail "$page: $width"
		# groff by itself, as mandoc -Tlint does for mandoc
		run groff -mandoc -Tutf8 -ww -z -rLL=78n "$page"
		[[ $status -eq 0 && -z $output ]] || fail "$page: groff: $output"
	done < <(man_pages)
	(( n >= 7 )) || fail "only $n pages in man/"
}

@test "every page's example lines (.Bd -literal) are at most 78 columns" {
	local page
	while IFS= read -r page; do
		run awk '/^\.Bd -literal/ { lit = 1; next } /^\.Ed/ { lit = 0 }
		    lit && length($0) > 78 { print FILENAME ":" FNR ": " $0 }' \
		    "$page"
		assert_output ""
	done < <(man_pages)
}

@test "shmtools(7) renders without mandoc warnings and names every program" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	page=$SHMT_SRCDIR/man/shmtools.7
	run mandoc -T lint -W warning "$page"
	[[ $status -eq 0 && -z $output ]] || fail "$page: $output"
	for p in "${PROGS[@]}"; do
		grep -q "^\\.Xr $p 1" "$page" || fail "shmtools(7) does not refer to $p(1)"
	done
}
