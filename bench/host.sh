#!/bin/bash
# bench/host.sh - shmtools on a real host: the same questions as the tools
# people use instead, with N processes running beside them.
#
# Usage (as root):  bash bench/host.sh [BINDIR]
#   BINDIR  where the built programs are (default: ../src beside this script)
#
# It is bench/scale.sh with PARTS=procs: the same namespaces, helper,
# checks and hyperfine runs (see "host" in bench/README.md), and only the
# pairs measured against processes.  Environment, as scale.sh's:
#   PROC_SIZES="0 1000 5000"  background processes (each maps one of 64
#                        objects and sleeps: every one is a /proc entry to
#                        read); PROCS is an older name for it
#   HOST_SYSV=10000 HOST_POSIX=10000  System V segments and POSIX objects
#   ORPHAN_SIZES="10000 100000"  POSIX objects shmrm --orphans removes
#   RUNS=10 WARMUP=2 RM_RUNS=7  hyperfine's runs
#   TSV, PROCS_PNG       the table and the picture (default: in $TMPDIR,
#                        so that bench/scale.tsv is not overwritten)
#   BENCH_OUT=DIR        keep hyperfine's JSON exports in DIR
#
# It prints, for each pair and each number of processes, shmtools' median
# time and the speedup, the peer's time / shmtools' (above 1: shmtools is
# faster).  Everything happens in a private IPC, mount and PID namespace
# with its own /dev/shm and /proc: the machine's segments are never seen
# or touched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=${TMPDIR:-/tmp}
export PARTS=procs PROC_SIZES="${PROC_SIZES:-${PROCS:-0 1000 5000}}" \
    TSV="${TSV:-$tmp/shmtools-host.tsv}" \
    PROCS_PNG="${PROCS_PNG:-$tmp/shmtools-host.png}"
exec bash "$here/scale.sh" "$@"
