# fish completion for shmput(1)
# fish autoloads __fish_shmtools_addresses from vendor_functions.d
# (functions/__fish_shmtools_addresses.fish in the source tree).

complete -c shmput -f  # operands are addresses, not files
complete -c shmput -a '(__fish_shmtools_addresses)'
complete -c shmput -s o -l offset -x -d 'Write at byte OFFSET'
complete -c shmput -s g -l grow -d 'Extend a POSIX object or file to fit the input'
complete -c shmput -s z -l zero-rest -d 'Clear the bytes after the input'
complete -c shmput -s d -l data -x -d 'Write the string DATA'
complete -c shmput -s i -l input -r -F -d 'Read from FILE instead of stdin'
complete -c shmput -s N -l namespace -x -a '(__fish_shmtools_namespaces)' -d 'Act in the place (IPC namespace, /dev/shm) of PID'
complete -c shmput -s h -l help -d 'Display help and exit'
complete -c shmput -s V -l version -d 'Display version and exit'
