# A patched NIC driver ($DRIVER) on two emulated NICs on one hub: the stock driver
# is running, as on a real system; ours replaces it, sends in native netmap mode,
# and the stock one comes back.

links_up() {
	for nic in eth0 eth1; do
		appears "/sys/class/net/$nic" 10 || { why "$nic did not appear"; return 1; }
		ip link set "$nic" up || { why "ip link set $nic up failed"; return 1; }
	done
}

t_stock() { ins $STOCK_MODULES && links_up; }

t_swap() {
	for mod in $REPLACED; do
		rmmod "$mod" || { why "rmmod $mod (stock) failed"; return 1; }
	done
	load_netmap && ins $OUR_MODULES && links_up
}

# admode 1 = native only: netmap refuses the port unless the driver is patched
t_native_tx() {
	echo 1 > /sys/module/$NETMAP/parameters/admode
	pktgen nic-tx -i netmap:eth0 -f tx -n "$PACKETS" -w 2 || { why "pkt-gen tx on netmap:eth0 (native) failed"; return 1; }
	report nic-tx tx
	[ "$(packets nic-tx)" = "$PACKETS" ] || { why "sent $(packets nic-tx) of $PACKETS"; return 1; }
}

t_restore() {
	for mod in $OURS; do
		rmmod "$mod" || { why "rmmod $mod (ours) failed"; return 1; }
	done
	unload_netmap && ins $STOCK_MODULES && links_up
}

check stock t_stock
check swap t_swap stock
check native-tx t_native_tx swap
check restore t_restore swap
