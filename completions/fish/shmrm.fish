# fish completion for shmrm(1)
# fish autoloads __fish_shmtools_addresses from vendor_functions.d
# (functions/__fish_shmtools_addresses.fish in the source tree).

# Bulk mode: filters choose the segments, ADDRESS operands name them.
function __fish_shmrm_no_filter --description 'no bulk-mode filter on the command line yet'
    not string match -qr -- '^(--(sysv|posix|user|unused|orphans|older-than|name|exclude|exclude-from|all|all-namespaces)(=.*)?|-[nvf]*[uA].*)$' (commandline -opc)[2..-1]
end

complete -c shmrm -f  # operands are addresses, not files
complete -c shmrm -n __fish_shmrm_no_filter -a '(__fish_shmtools_addresses sysv posix file)'
complete -c shmrm -s n -l dry-run -d 'Say what would be removed, remove nothing'
complete -c shmrm -s v -l verbose -d 'Print each removed ADDRESS (bulk: and each kept)'
complete -c shmrm -s f -l force -d 'No error for a missing segment; bulk: remove segments in use too'
complete -c shmrm -l sysv -d 'Bulk: System V segments'
complete -c shmrm -l posix -d 'Bulk: POSIX objects'
complete -c shmrm -s u -l user -x -a '(__fish_complete_users)' -d 'Bulk: segments owned by USER (name or uid)'
complete -c shmrm -l unused -d 'Bulk: segments no process uses (NATTCH 0)'
complete -c shmrm -l orphans -d 'Bulk: unused segments whose creator is gone'
complete -c shmrm -l older-than -x -d 'bulk: changed longer ago (90s, 10m, 2h, 3d)'
complete -c shmrm -l name -x -d 'Bulk: segments whose name or key matches GLOB (psm_*, 0x5e00*)'
complete -c shmrm -l exclude -x -d 'Bulk: never the segments whose name or key matches GLOB'
complete -c shmrm -l exclude-from -r -F -d 'Bulk: --exclude each GLOB of FILE (-FILE: may be missing)'
complete -c shmrm -l all -d 'Bulk: every segment (that no process uses)'
complete -c shmrm -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmrm -s A -l all-namespaces -d 'Bulk: every place: every IPC namespace and /dev/shm'
complete -c shmrm -s h -l help -d 'Display help and exit'
complete -c shmrm -s V -l version -d 'Display version and exit'
