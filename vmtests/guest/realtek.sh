# Our r8169.ko with no RTL8169 to drive (QEMU has no model): it must replace the
# stock module, bind to netmap's symbols, and leave cleanly.

t_stock() { ins $STOCK_MODULES; }

t_swap() {
	for mod in $REPLACED; do
		rmmod "$mod" || { why "rmmod $mod (stock) failed"; return 1; }
	done
	load_netmap && ins $OUR_MODULES || return 1
	# the kernel lists a module under netmap's holders once it uses netmap's symbols
	for mod in $OURS; do
		[ -e "/sys/module/$NETMAP/holders/$mod" ] || { why "$mod does not use netmap's symbols"; return 1; }
	done
}

t_restore() {
	for mod in $OURS; do
		rmmod "$mod" || { why "rmmod $mod (ours) failed"; return 1; }
	done
	unload_netmap && ins $STOCK_MODULES
}

check stock t_stock
check swap t_swap stock
check restore t_restore swap
