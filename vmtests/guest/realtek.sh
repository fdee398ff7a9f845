# Our r8169.ko with no RTL8169 to drive (QEMU has no model): it must replace the
# stock module, bind to netmap's symbols, and leave cleanly. The swaps are doit
# load's and doit unload's own steps (plan.sh, sourced by lib.sh).

t_stock() { ins $STOCK_MODULES; }

t_swap() {
	plan_load || return 1
	# the kernel lists a module under netmap's holders once it uses netmap's symbols
	for mod in $OURS; do
		[ -e "/sys/module/$NETMAP/holders/$mod" ] || { why "$mod does not use netmap's symbols"; return 1; }
	done
}

t_restore() { plan_unload; }

check stock t_stock
check swap t_swap stock
check restore t_restore swap
