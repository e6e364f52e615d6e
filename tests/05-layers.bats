#!/usr/bin/env bats
# 05-layers.bats - tests/layers, the check of the library's layers, on a
# library of its own: a few tiny C files compiled here with the build's
# compiler (CC), with their own table and shm.h.  It must fail on a use
# of a higher layer, on files that use each other in a circle, on an
# object the table does not name and a name with no object, and on a
# program that goes around shm.h; and pass on a clean set.  Without
# this, a check that read no symbols at all would pass forever.
#
# A bats file rather than a second TAP script: the suite's shell-level
# tests are bats files, and bats-assert shows the checker's whole output
# when one of these fails.

load test_helper

# The clean set, bottom layer first: b uses a; c uses b (downwards);
# d uses nothing; the program uses c's pub() and d's pubvar, both in
# shm.h.  d1() is named in shm.h only in a comment: not declared.
setup() {
	read -r -a cc <<<"${CC:-cc}"
	((${#cc[@]})) || cc=(cc)
	need_tool "${cc[0]}" build-essential
	D=$BATS_TEST_TMPDIR
	mkdir -p "$D/lib" "$D/libsrc" "$D/prog" "$D/src" "$D/inc"
	table '# the test library' \
	    '  low :  a  b    # spacing and comments are free' \
	    'high:c d'
	cat >"$D/inc/shm.h" <<-'EOF'
		/* The public header.  d1() is private. */
		int pub(void);
		extern int pubvar[2];
	EOF
	libfile a 'int a1(void);' 'int a1(void) { return 1; }'
	libfile b 'int a1(void);' 'int b1(void);' \
	    'int b1(void) { return a1() + 1; }'
	libfile c 'int b1(void);' 'int pub(void);' \
	    'int pub(void) { return b1() + 1; }'
	libfile d 'int d1(void);' 'int pubvar[2] = { 1, 2 };' \
	    'int d1(void) { return 4; }'
	program main '#include "shm.h"' \
	    'int main(void) { return pub() + pubvar[0]; }'
}

# table LINE...: the layer table.
table() {
	printf '%s\n' "$@" >"$D/LAYERS"
}

# compile SOURCE OBJECT: warnings are errors, so that the C here stays
# -Wall -Wextra clean.
compile() {
	"${cc[@]}" -Wall -Wextra -Werror -I"$D/inc" -c -o "$2" "$1" ||
	    fail "cannot compile $1"
}

# libfile NAME LINE...: the library file NAME.c, compiled to lib/NAME.o.
libfile() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$D/libsrc/$name.c"
	compile "$D/libsrc/$name.c" "$D/lib/$name.o"
}

# program NAME LINE...: the program source src/NAME.c, compiled to
# prog/NAME.o.
program() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$D/src/$name.c"
	compile "$D/src/$name.c" "$D/prog/$name.o"
}

# layers [OPTION...]: run the checker on the test library.
layers() {
	run "$SHMT_SRCDIR/tests/layers" --table "$D/LAYERS" --lib "$D/lib" \
	    --programs "$D/prog" --header "$D/inc/shm.h" --sources "$D/src" \
	    "$@"
}

# passes N... / fails N...: the checker's TAP says so of tests N.
passes() {
	local n
	for n; do
		assert_line --regexp "^ok $n - "
	done
}
fails() {
	local n
	for n; do
		assert_line --regexp "^not ok $n - "
	done
}

# diag N: the "# " lines after test N's result, the whole of what it
# says (the longest chain, after the last test, is not part of it).
diag() {
	awk -v n="$1" '$0 ~ "^(not )?ok " n " - " { on = 1; next }
	    /^# longest chain/ { exit }
	    on && /^#/ { print; next } { on = 0 }' <<<"$output"
}

@test "a clean set passes, and its longest chain is shown" {
	layers
	assert_success
	assert_line '1..4'
	passes 1 2 3 4
	assert_line '# longest chain of uses between library files: 3 files'
	assert_line '# c -> b -> a'
}

@test "the environment names the inputs as the options do" {
	SHMT_LAYERS_TABLE=$D/LAYERS SHMT_LAYERS_LIBOBJS=$D/lib \
	    SHMT_LAYERS_PROGOBJS=$D/prog SHMT_LAYERS_HEADER=$D/inc/shm.h \
	    SHMT_LAYERS_PROGSRC=$D/src run "$SHMT_SRCDIR/tests/layers"
	assert_success
	passes 1 2 3 4
}

@test "automake's per-target prefixes are not part of the file's name" {
	mv "$D/lib/a.o" "$D/lib/libshm_a-a.o"
	mv "$D/prog/main.o" "$D/prog/src_main-main.o"
	layers
	assert_success
	passes 1 2 3 4
	assert_line '# c -> b -> a'
}

@test "a use of a higher layer fails, naming the use and its symbol" {
	libfile a 'int a1(void);' 'int d1(void);' \
	    'int a1(void) { return d1(); }'
	layers
	assert_failure 1
	fails 1
	assert_equal "$(diag 1)" '# a (low) -> d (high): d1'
	passes 2 3 4
}

@test "two files of one layer that use each other fail, as a cycle" {
	libfile a 'int a1(void);' 'int b1(void);' \
	    'int a1(void) { return b1() - 1; }'
	layers
	assert_failure 1
	passes 1 3 4
	fails 2
	assert_equal "$(diag 2)" "$(printf '%s\n' \
	    '# 2 files use each other in a circle: a b' \
	    '# cycle: a -> b -> a' \
	    '# the uses within it:' \
	    '#   a (low) -> b (low): b1' \
	    '#   b (low) -> a (low): a1')"
}

@test "a longer circle is shown with its files in order" {
	table 'low: a b e' 'high: c d'
	# a -> e -> b -> a
	libfile a 'int a1(void);' 'int e1(void);' \
	    'int a1(void) { return e1(); }'
	libfile e 'int e1(void);' 'int b1(void);' \
	    'int e1(void) { return b1(); }'
	layers
	assert_failure 1
	fails 2
	assert_line '# cycle: a -> e -> b -> a'
	passes 1 3 4
}

@test "an object that the table does not name fails" {
	libfile e 'int e1(void);' 'int e1(void) { return 5; }'
	layers
	assert_failure 1
	passes 1 2 4
	fails 3
	assert_equal "$(diag 3)" "# object not in the table: e ($D/lib/e.o)"
}

@test "a name in the table with no object fails" {
	table 'low: a b' 'high: c d gone'
	layers
	assert_failure 1
	fails 3
	assert_equal "$(diag 3)" '# in the table, no object: gone (high)'
}

@test "a file named in two layers fails" {
	table 'low: a b' 'high: c d a'
	layers
	assert_failure 1
	fails 3
	assert_equal "$(diag 3)" '# in more than one layer: a (low, high)'
}

@test "a program using a symbol that shm.h does not declare fails" {
	program main '#include "shm.h"' 'int d1(void);' \
	    'int main(void) { return pub() + d1(); }'
	layers
	assert_failure 1
	passes 1 2 3
	fails 4
	assert_equal "$(diag 4)" "$(printf '%s\n' \
	    '# uses of library symbols that shm.h does not declare:' \
	    '# main -> d (high): d1')"
}

@test "a program source including a private header fails" {
	echo 'int x;' >"$D/inc/secret.h"
	printf '%s\n' '/* a program header */' '#include "../lib/backend.h"' \
	    >"$D/src/cli.h"
	printf '%s\n' '# include "secret.h"' >>"$D/src/main.c"
	layers
	assert_failure 1
	fails 4
	assert_equal "$(diag 4)" "$(printf '%s\n' \
	    '# private headers included by the programs:' \
	    "# $D/src/cli.h:2: #include \"../lib/backend.h\"" \
	    "# $D/src/main.c:3: # include \"secret.h\"")"
}

@test "no objects, or a table that is not one, bail out" {
	layers --lib "$D/libsrc"
	assert_failure 99
	assert_line --partial 'Bail out! layers: no object files in'
	table 'low: a b' 'high c d'
	layers
	assert_failure 99
	assert_line --partial 'Bail out! layers:'
	assert_line --partial 'not "layer: files": high c d'
}

@test "an nm that reads no symbols bails out" {
	NM=true layers
	assert_failure 99
	assert_line 'Bail out! layers: the library objects define no symbols (is NM=true nm?)'
}
