# fish completion for pxe-tftpd(8), from pxekit.

# The positional argument is the directory to serve.
complete -c pxe-tftpd -f -a '(__fish_complete_directories)'

complete -c pxe-tftpd -s h -l help -d 'Print help and exit'
complete -c pxe-tftpd -s V -l version -d 'Print the version and exit'
complete -c pxe-tftpd -s v -l verbose -d 'Log every packet (repeatable)'
complete -c pxe-tftpd -s q -l quiet -d 'Log only refused requests and failed transfers'
complete -c pxe-tftpd -s a -l address -x -d 'Listen on ADDR[:PORT] (default 0.0.0.0:69)'
complete -c pxe-tftpd -s s -l secure -d 'chroot into ROOT when started as root'
complete -c pxe-tftpd -s c -l create -d 'Accept write requests'
complete -c pxe-tftpd -s u -l user -x -a '(__fish_complete_users)' -d 'Drop privileges to USER after binding'
complete -c pxe-tftpd -s U -l umask -x -d 'umask for created files, octal'
complete -c pxe-tftpd -s p -l permissive -d 'Only Unix permissions decide'
complete -c pxe-tftpd -s B -l blocksize -x -d 'Largest blksize granted (default 1468)'
complete -c pxe-tftpd -s R -l port-range -x -d 'Transfer ports from LO:HI'
complete -c pxe-tftpd -s m -l map-file -r -F -d 'tftpd-hpa remap rules'
complete -c pxe-tftpd -s r -l refuse -x -a 'blksize tsize timeout windowsize' -d 'Ignore this option in requests'
complete -c pxe-tftpd -s T -l retransmit -x -d 'Initial retransmit timeout in microseconds'
complete -c pxe-tftpd -s l -l listen -d 'Accepted for tftpd-hpa compatibility'
complete -c pxe-tftpd -s L -l foreground -d 'Accepted for tftpd-hpa compatibility'
complete -c pxe-tftpd -s W -l max-window -x -d 'Largest windowsize granted (default 64)'
complete -c pxe-tftpd -l max-clients -x -d 'Transfers served at once (default 500)'
