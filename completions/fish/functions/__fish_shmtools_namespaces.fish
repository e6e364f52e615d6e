# fish function the shmtools completions share: fish autoloads it from
# its vendor_functions.d when completions/fish/shm*.fish first call it.

function __fish_shmtools_namespaces --description 'PIDs in another IPC or mount namespace, for -N'
    # One find reads the links; /proc/self is find, in our namespaces.
    find /proc/self/ns/ipc /proc/self/ns/mnt /proc/*/ns/ipc /proc/*/ns/mnt -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
        awk '{ split($1, w, "/") }
            w[3] == "self" { self[w[5]] = $2; next }
            w[3] ~ /^[0-9]+$/ && $2 != "" { ns[w[3], w[5]] = $2; pid[w[3]] }
            END {
                for (p in pid) {
                    # both links read, or no place we know of: an unreadable
                    # link (a zombie, a process that just exited) is unknown,
                    # not another namespace
                    if (ns[p, "ipc"] == "" || ns[p, "mnt"] == "")
                        continue
                    if (ns[p, "ipc"] == self["ipc"] &&
                        ns[p, "mnt"] == self["mnt"])
                        continue
                    # not a kernel thread (PF_KTHREAD among the flags in stat),
                    # not a zombie (state Z or X): gone, whatever its links
                    f = "/proc/" p "/stat"; s = ""
                    getline s <f; close(f)
                    sub(/.*\) /, "", s); split(s, st, " ")
                    if (st[7] == "" || st[1] == "Z" || st[1] == "X" ||
                        int(st[7] / 2097152) % 2)
                        continue
                    f = "/proc/" p "/comm"; c = ""
                    getline c <f; close(f)
                    print p "\t" c
                }
            }' | sort -n
end
