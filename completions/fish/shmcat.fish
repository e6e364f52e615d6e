# fish completion for shmcat(1)
# fish autoloads __fish_shmtools_addresses from vendor_functions.d
# (functions/__fish_shmtools_addresses.fish in the source tree).

complete -c shmcat -f  # operands are addresses, not files
complete -c shmcat -a '(__fish_shmtools_addresses)'
complete -c shmcat -s o -l offset -x -d 'Start at byte OFFSET'
complete -c shmcat -s n -l length -x -d 'Read at most LENGTH bytes'
complete -c shmcat -s s -l string -d 'Stop at the first NUL byte'
complete -c shmcat -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmcat -s h -l help -d 'Display help and exit'
complete -c shmcat -s V -l version -d 'Display version and exit'
