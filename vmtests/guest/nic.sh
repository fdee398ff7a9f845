# A patched NIC driver on two emulated NICs on one hub: the stock driver
# is running, as on a real system; ours replaces it, sends in native netmap mode,
# and the stock one comes back.

links_up() {
	for nic in eth0 eth1; do
		appears "/sys/class/net/$nic" 10 || { why "$nic did not appear"; return 1; }
		ip link set "$nic" up || { why "ip link set $nic up failed"; return 1; }
	done
}

t_stock() { ins $STOCK_MODULES && links_up; }

# admode 1 = native only: netmap refuses a port whose driver is not patched, so
# the stock driver must fail here and ours pass below
native_only() { echo 1 > "/sys/module/$NETMAP/parameters/admode"; }

t_stock_not_native() {
	load_netmap && native_only || return 1
	if pktgen stock-tx -i netmap:eth0 -f tx -n 1000 -w 1; then
		why "the stock driver was opened in native mode"
		return 1
	fi
}

t_swap() {
	for mod in $REPLACED; do
		rmmod "$mod" || { why "rmmod $mod (stock) failed"; return 1; }
	done
	ins $OUR_MODULES && links_up
}

t_native_tx() {
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
check stock-not-native t_stock_not_native stock
check swap t_swap stock-not-native
check native-tx t_native_tx swap
check restore t_restore swap
