# fish completion for shmresize(1)
# fish autoloads __fish_shmtools_addresses from vendor_functions.d
# (functions/__fish_shmtools_addresses.fish in the source tree).

complete -c shmresize -f  # operands are addresses, not files
# ADDRESS, then [+|-]SIZE, which has nothing to complete
complete -c shmresize -n 'test (count (commandline -opc | string match -rv -- "^-")) -le 1' -a '(__fish_shmtools_addresses sysv posix file memfd deleted)'
complete -c shmresize -s f -l force -d 'Resize a System V segment even with processes attached'
complete -c shmresize -l recover -d 'Restore what an interrupted System V resize left in its recovery file'
complete -c shmresize -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmresize -s h -l help -d 'Display help and exit'
complete -c shmresize -s V -l version -d 'Display version and exit'
