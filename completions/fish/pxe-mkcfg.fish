# fish completion for pxe-mkcfg(1), from pxekit.

set -l subcommands pxelinux grub ipxe dhcpd-hosts lookup check
set -l boot '__fish_seen_subcommand_from pxelinux grub ipxe'

complete -c pxe-mkcfg -f
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a pxelinux -d 'Write pxelinux.cfg/default or per-MAC files'
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a grub -d 'Write grub.cfg or per-MAC and hex-IP files'
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a ipxe -d 'Write default.ipxe and per-MAC scripts'
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a dhcpd-hosts -d 'Print ISC dhcpd host blocks'
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a lookup -d 'Print the config files a client asks for'
complete -c pxe-mkcfg -n "not __fish_seen_subcommand_from $subcommands" -a check -d 'Check the boot configs under a TFTP root'

# Common options
complete -c pxe-mkcfg -s h -l help -d 'Print help and exit'
complete -c pxe-mkcfg -s V -l version -d 'Print the version and exit'
complete -c pxe-mkcfg -s v -l verbose -d 'Print more detail on stderr (repeatable)'
complete -c pxe-mkcfg -s q -l quiet -d 'Print only errors'

# pxelinux, grub, ipxe
complete -c pxe-mkcfg -n $boot -l root -x -a '(__fish_complete_directories)' -d 'Write the files under this TFTP root'
complete -c pxe-mkcfg -n $boot -l force -d 'Replace files edited by hand or not written by pxe-mkcfg'
complete -c pxe-mkcfg -n $boot -l label -x -d 'Name of the boot entry (default linux)'
complete -c pxe-mkcfg -n $boot -l kernel -r -F -d 'Kernel to boot'
complete -c pxe-mkcfg -n $boot -l initrd -r -F -d 'Initial ramdisk (repeatable)'
complete -c pxe-mkcfg -n $boot -l append -x -d 'Extra kernel arguments'
complete -c pxe-mkcfg -n $boot -l nfsroot -x -d 'Root file system over NFS: SERVER:/PATH'
complete -c pxe-mkcfg -n $boot -l casper -d 'Ubuntu live system over NFS (needs --nfsroot)'
complete -c pxe-mkcfg -n $boot -l timeout -x -d 'Seconds the prompt or menu waits (0: boot at once)'
complete -c pxe-mkcfg -n $boot -l prompt -d 'Always show the boot prompt'
complete -c pxe-mkcfg -n $boot -l menu -d 'Show a menu'
complete -c pxe-mkcfg -n $boot -l host -x -d 'Write a per-host file for MAC[,LABEL] (repeatable)'
complete -c pxe-mkcfg -n $boot -s f -l file -r -F -d 'Read MAC [IP [NAME [LABEL]]] lines from FILE'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from ipxe' -l http-base -x -d 'Load kernel and initrds over HTTP from URL'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub lookup' -l grub-prefix -x -a '(__fish_complete_directories)' -d 'GRUB prefix under the TFTP root'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l server -x -d 'Build core.efi that loads from this TFTP server (proxyDHCP)'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l target -x -a 'x86_64-efi arm64-efi' -d 'Platform of the --server image'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l module-dir -x -a '(__fish_complete_directories)' -d "The platform's GRUB modules"
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l secure-boot -d 'UEFI Secure Boot: shim, the signed GRUB, grub/grub.cfg'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l shim -r -F -d 'The signed shim (shimx64.efi.signed)'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from grub' -l signed-grub -r -F -d 'The signed GRUB netboot image (grubnetx64.efi.signed)'

# dhcpd-hosts
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from dhcpd-hosts' -s f -l file -r -F -d 'Read MAC IP [NAME] lines from FILE'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from dhcpd-hosts' -l next-server -x -d 'TFTP server for these hosts'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from dhcpd-hosts' -l filename -x -d 'Boot file for these hosts'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from dhcpd-hosts' -s o -l output -r -F -d 'Write to FILE atomically'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from dhcpd-hosts' -l force -d 'Replace an output file edited by hand'

# lookup
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from lookup' -l uuid -x -d 'Client UUID (DHCP option 97)'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from lookup' -l root -x -a '(__fish_complete_directories)' -d 'Mark which files exist under this TFTP root'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from lookup' -l flavor -x -a 'pxelinux grub' -d 'Boot loader'

# check
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from check' -l secure-boot -d 'Check the tree for UEFI Secure Boot clients'
complete -c pxe-mkcfg -n '__fish_seen_subcommand_from check' -x -a '(__fish_complete_directories)'
