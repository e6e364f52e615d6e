# fish completion for shmls(1)
# fish autoloads __fish_shmtools_addresses from vendor_functions.d
# (functions/__fish_shmtools_addresses.fish in the source tree).

function __fish_shmls_columns --description 'column names, after TYPE, or +TYPE,'
    set -l token (commandline -ct | string replace -r -- '^(-o|--output=)' '')
    set -l prefix (string match -r -- '^.*[,+]' $token)
    shmls --list-columns 2>/dev/null | string replace -r -- '^(\S+)\s+' "$prefix\$1\t"
end

function __fish_shmls_sort_columns --description 'column names, one'
    shmls --list-columns 2>/dev/null | string replace -r -- '^(\S+)\s+' '$1\t'
end

# Filters choose the segments, as ADDRESS operands do: one or the other.
function __fish_shmls_no_filter --description 'no filter and no --limits on the command line yet'
    not string match -qr -- '^(--(sysv|posix|memfd|user|unused|orphans|older-than|name|exclude|exclude-from|limits|metrics)(=.*)?|-[Jre0nbPhV]*u.*)$' (commandline -opc)[2..-1]
end

complete -c shmls -f  # operands are addresses, not files
complete -c shmls -n __fish_shmls_no_filter -a '(__fish_shmtools_addresses)'
complete -c shmls -l sysv -d 'List System V segments'
complete -c shmls -l posix -d 'List POSIX objects'
complete -c shmls -l memfd -d 'List memfds that processes hold'
complete -c shmls -s u -l user -x -a '(__fish_complete_users)' -d 'List segments owned by USER (name or uid)'
complete -c shmls -l unused -d 'List segments no process uses (NATTCH 0)'
complete -c shmls -l orphans -d 'List unused segments whose creator is gone'
complete -c shmls -l older-than -x -d 'segments changed longer ago (90s, 10m, 2h, 3d)'
complete -c shmls -l name -x -d 'Segments whose name, path or key matches GLOB (psm_*, 0x5e00*)'
complete -c shmls -l exclude -x -d 'Leave out the segments whose name, path or key matches GLOB'
complete -c shmls -l exclude-from -r -F -d '--exclude each GLOB of FILE, one a line'
complete -c shmls -l sort -x -a '(__fish_shmls_sort_columns)' -d 'Sort by COLUMN'
complete -c shmls -s o -l output -x -a '(__fish_shmls_columns)' -d 'Columns to print (+COL,... adds to the default)'
complete -c shmls -l list-columns -d 'List the available columns and exit'
complete -c shmls -s J -l json -d 'Use JSON output format'
complete -c shmls -s r -l raw -d 'Use raw output format'
complete -c shmls -s e -l export -d 'Print NAME="value" pairs'
complete -c shmls -s 0 -l null -d 'Print one column, exact bytes, each value ending in NUL'
complete -c shmls -s n -l noheadings -d 'Do not print headings'
complete -c shmls -s b -l bytes -d 'Print sizes in bytes'
complete -c shmls -s P -l numeric-perms -d 'Print permissions in octal'
complete -c shmls -l time-format -x -a 'short full iso' -d 'Format of times'
complete -c shmls -l summary -d 'Print counts and bytes per kind, as ipcs -u'
complete -c shmls -l limits -d 'Print kernel.shm* limits and /dev/shm space, as ipcs -l'
complete -c shmls -l metrics -d 'Print Prometheus metrics, for node_exporter'
complete -c shmls -l metrics-owners -x -d 'With --metrics: owners labelled per type (default 10)'
complete -c shmls -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmls -s A -l all-namespaces -d 'List every place: every IPC namespace and /dev/shm'
complete -c shmls -s h -l help -d 'Display help and exit'
complete -c shmls -s V -l version -d 'Display version and exit'
