#!/bin/sh
# demo.sh - what shmtools is for, in a dozen commands: make a System V
# segment, a POSIX object and a shared file; write, list, read and remove
# them with the same programs and the same ADDRESS grammar.
#
# usage: sh tests/demo.sh BINDIR     (make demo runs it on the build)

set -eu

if [ $# -ne 1 ] || [ ! -x "$1/shmmk" ]; then
	echo "usage: sh tests/demo.sh BINDIR  (the directory holding shmmk)" >&2
	exit 2
fi
PATH=$1:$PATH
export PATH LC_ALL=C

# Names no one else is using: this shell's pid is in each.
posix=/shmtools-demo-$$
file=file:${TMPDIR:-/tmp}/shmtools-demo-$$
sysv=

# Whatever happens, leave nothing behind.
cleanup() {
	shmrm -f ${sysv:+"$sysv"} "$posix" "$file" 2>/dev/null || :
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

# Print a command the way one would type it, then run it.
quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./:=+,@%-]*)
		printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*)
		printf '%s' "$1" ;;
	esac
}
show() {
	printf '$'
	for arg; do
		printf ' '
		quote "$arg"
	done
	printf '\n'
}
run() {
	show "$@"
	"$@"
}
say() {
	echo
	for line; do
		printf '# %s\n' "$line"
	done
}

say "Make a System V segment (key IPC_PRIVATE), a POSIX object and a" \
    "shared file, 4 KiB each.  shmmk prints the ADDRESS it made."
show shmmk --private -s 4K
sysv=$(shmmk --private -s 4K)
echo "$sysv"
run shmmk -s 4K "$posix"
run shmmk -s 4K "$file"

say "Write into each of them."
run shmput -d 'hello from System V' "$sysv"
run shmput -d 'hello from POSIX' "$posix"
run shmput -d 'hello from a file' "$file"

say "List them: one table for every kind, and ADDRESSes to paste."
run shmls "$sysv" "$posix" "$file"

say "Read them back (-s: up to the first NUL byte, as a C string)."
for addr in "$sysv" "$posix" "$file"; do
	run shmcat -s "$addr"
	echo
done

say "Remove them."
run shmrm -v "$sysv" "$posix" "$file"
sysv=

say "Gone: listing them now fails."
show shmls "$posix"
if shmls "$posix" 2>&1; then
	echo "demo: $posix still exists" >&2
	exit 1
fi
