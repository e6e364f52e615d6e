#!/usr/bin/env bats
# 70-clients.bats - the tools against real clients that use the APIs as
# programs in the wild do (tests/clients/*.c): what a client writes, shmcat
# reads; what shmput writes, the client reads back; shmls sees them.

setup() {
	load test_helper
}

teardown() {
	stop_clients
	cleanup_segments
}

# --- System V -------------------------------------------------------------

@test "shmcat reads what a System V writer wrote, by key" {
	key=$(new_key)
	start_sysv "$key" "hello from sysv"
	run -0 shmcat --string "$key"
	assert_output "hello from sysv"
	run -0 shmcat -s "key:$(( key ))"
	assert_output "hello from sysv"
}

@test "shmcat reads a System V writer's whole segment" {
	key=$(new_key)
	start_sysv "$key" "abc" 4096
	shmcat "$key" >"$BATS_TEST_TMPDIR/out"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/out") -eq 4096 ]]
	printf 'abc' | cmp -n 3 - "$BATS_TEST_TMPDIR/out"
	# The rest is the zeros shmget gave, and the C string's NUL.
	cmp -i 3:0 "$BATS_TEST_TMPDIR/out" <(head -c 4093 /dev/zero)
}

@test "shmcat reads a System V writer's segment by id" {
	key=$(new_key)
	start_sysv "$key" "by id"
	id=$(sysv_id "$key")
	[[ -n $id ]]
	run -0 shmcat -s "id:$id"
	assert_output "by id"
	run -0 shmcat -s "$id"
	assert_output "by id"
}

@test "shmls shows the System V writer's segment with NATTCH 1" {
	key=$(new_key)
	start_sysv "$key" "attached"
	run -0 shmls -r --noheadings -o ADDRESS,NATTCH "$key"
	assert_output "$key 1"
}

@test "shmls shows NATTCH 0 once the System V writer has detached" {
	key=$(new_key)
	start_sysv "$key" "gone"
	stop_clients
	run -0 shmls -r --noheadings -o ADDRESS,NATTCH "$key"
	assert_output "$key 0"
	# The data outlives the writer.
	run -0 shmcat -s "$key"
	assert_output "gone"
}

@test "shmls lists the System V writer's segment with its type, size and perms" {
	key=$(new_key)
	start_sysv "$key" "x" 8192
	run -0 shmls -r --noheadings -b -P -o TYPE,ADDRESS,SIZE,PERMS "$key"
	assert_output --regexp "^sysv $key 8192 0?600$"
}

@test "the System V writer reads what shmput wrote" {
	key=$(new_key)
	start_sysv "$key" "original text"
	shmput --zero-rest -d "written by shmput" "$key"
	client_sees
	assert_output "written by shmput"
}

@test "the System V writer reads what shmput wrote from stdin at an offset" {
	key=$(new_key)
	start_sysv "$key" "hello world"
	printf 'W0RLD' | shmput -o 6 "$key"
	client_sees
	assert_output "hello W0RLD"
}

@test "shmput refuses input too large for a System V writer's segment" {
	key=$(new_key)
	start_sysv "$key" "keep me" 4096
	head -c 5000 /dev/zero | tr '\0' a >"$BATS_TEST_TMPDIR/big"
	run -1 --separate-stderr shmput -i "$BATS_TEST_TMPDIR/big" "$key"
	[[ -n $stderr ]]
	client_sees
	assert_output "keep me"
}

@test "shmresize refuses a System V segment its writer is attached to" {
	key=$(new_key)
	start_sysv "$key" "still here"
	run -1 --separate-stderr shmresize "$key" 8K
	[[ -n $stderr ]]
	run -0 shmls -r --noheadings -b -o SIZE,NATTCH "$key"
	assert_output "4096 1"
	client_sees
	assert_output "still here"
}

@test "shmrm of an attached System V segment leaves the writer its memory" {
	key=$(new_key)
	start_sysv "$key" "marked for destruction"
	id=$(sysv_id "$key")
	[[ -n $id ]]
	track "id:$id"
	shmrm "$key"
	run -1 shmcat "$key"
	# IPC_RMID only marks it: the writer still has its data ...
	client_sees
	assert_output "marked for destruction"
	# ... and shmls shows it as dest, by id since its key is gone.
	run -0 shmls -r --noheadings -o ADDRESS,NATTCH,STATUS "id:$id"
	assert_output "id:$id 1 dest"
	run -0 shmcat -s "id:$id"
	assert_output "marked for destruction"
}

# --- POSIX ----------------------------------------------------------------

@test "shmcat reads what a POSIX writer wrote" {
	name=$(new_name)
	start_posix "$name" "hello from posix"
	run -0 shmcat -s "$name"
	assert_output "hello from posix"
	run -0 shmcat -s "posix:${name#/}"
	assert_output "hello from posix"
	shmcat "$name" >"$BATS_TEST_TMPDIR/out"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/out") -eq 8192 ]]
}

@test "shmls lists the POSIX writer's object" {
	name=$(new_name)
	start_posix "$name" "listed" 8192
	run -0 shmls -r --noheadings -b -o TYPE,ADDRESS,SIZE "$name"
	assert_output "posix $name 8192"
	run -0 shmls -r --noheadings -o ADDRESS --posix
	assert_line "$name"
}

@test "the POSIX writer reads what shmput wrote" {
	name=$(new_name)
	start_posix "$name" "original posix text"
	shmput -z -d "from shmput" "$name"
	client_sees
	assert_output "from shmput"
	printf '!' | shmput -o 4 "$name"
	client_sees
	assert_output "from!shmput"
}

# --- files ----------------------------------------------------------------

@test "shmcat reads what a file writer wrote through its mapping" {
	path=$BATS_TEST_TMPDIR/mapped
	start_file "$path" "hello from a file"
	run -0 shmcat -s "file:$path"
	assert_output "hello from a file"
	run -0 shmcat -n 5 "file:$path"
	assert_output "hello"
}

@test "the file writer reads what shmput wrote, through its mapping" {
	path=$BATS_TEST_TMPDIR/mapped
	start_file "$path" "original file text" 100
	shmput -z -d "from shmput" "file:$path"
	client_sees
	assert_output "from shmput"
}

@test "shmput --grow extends a file its writer has mapped" {
	path=$BATS_TEST_TMPDIR/mapped
	start_file "$path" "short" 16
	shmput -g -o 16 -d "tail" "file:$path"
	[[ $(stat -c %s "$path") -eq 20 ]]
	run -0 shmcat -o 16 "file:$path"
	assert_output "tail"
	# The writer's mapping still reads its own text.
	client_sees
	assert_output "short"
}

# --- memfd ----------------------------------------------------------------

@test "shmcat reads a memfd that a process holds" {
	start_memfd shmt-test "hello from a memfd"
	run -0 shmcat -s "$ADDR"
	assert_output "hello from a memfd"
	shmcat "$ADDR" >"$BATS_TEST_TMPDIR/out"
	[[ $(stat -c %s "$BATS_TEST_TMPDIR/out") -eq 4096 ]]
}

@test "shmls lists a memfd given by its address" {
	start_memfd shmt-listed "x" 4096
	run -0 shmls -r --noheadings -b -o TYPE,ADDRESS,NAME,SIZE "$ADDR"
	assert_output "memfd $ADDR shmt-listed 4096"
}

@test "the memfd holder reads what shmput wrote" {
	start_memfd shmt-test "original memfd text"
	shmput --zero-rest -d "from shmput" "$ADDR"
	client_sees
	assert_output "from shmput"
}

@test "a memfd is gone with the process that held it" {
	start_memfd shmt-test "short-lived"
	stop_clients
	run -1 --separate-stderr shmcat "$ADDR"
	[[ -n $stderr ]]
}

# --- all kinds at once ----------------------------------------------------

@test "every ADDRESS shmls prints for the clients reads back their text" {
	key=$(new_key)
	name=$(new_name)
	start_sysv "$key" "text of sysv"
	start_posix "$name" "text of posix"
	start_memfd shmt-all "text of memfd"
	run -0 shmls -r --noheadings -o ADDRESS "$key" "$name" "$ADDR"
	assert_equal "${#lines[@]}" 3
	for addr in "${lines[@]}"; do
		run -0 shmcat -s "$addr"
		assert_output --regexp '^text of (sysv|posix|memfd)$'
	done
}
