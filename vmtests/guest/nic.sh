# A patched NIC driver on two emulated NICs on one hub: the stock driver is
# running, as on a real system; ours replaces it, carries traffic in native
# netmap mode ($TRAFFIC: tx, flood), and the stock one comes back.

links_up() {
	for nic in eth0 eth1; do
		appears "/sys/class/net/$nic" 10 || { why "$nic did not appear"; return 1; }
		ip link set "$nic" up || { why "ip link set $nic up failed"; return 1; }
	done
}

t_stock() { ins $STOCK_MODULES && links_up; }  # bus modules (virtio_pci) come first

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

# a netmap receiver on eth1 counts what eth0 sends across the hub; the emulated
# NIC drops what its rx ring cannot take, so the count is reported, not required
t_native_flood() {
	send_and_count nic netmap:eth1 netmap:eth0 -w 2 || return 1
	sent=$(packets nic-tx)
	got=$(packets nic-rx)
	[ "$sent" = "$PACKETS" ] || { why "sent $sent of $PACKETS"; return 1; }
	[ "${got:-0}" -gt 0 ] || { why "eth1 received nothing of $sent"; return 1; }
	[ "$got" -le "$sent" ] || { why "eth1 received $got, more than the $sent sent"; return 1; }
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
for traffic in $TRAFFIC; do
	check "native-$traffic" "t_native_$traffic" swap
done
check restore t_restore swap
