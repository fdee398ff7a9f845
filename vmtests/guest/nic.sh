# A patched NIC driver on two emulated NICs on one hub (or a veth pair): the stock driver is
# running, as on a real system; ours replaces it, carries traffic in native
# netmap mode ($TRAFFIC: tx, flood), and the stock one comes back. The swaps are
# doit load's and doit unload's own steps (plan.sh, sourced by lib.sh: the plan for a
# machine running the stock driver, which inserts netmap.ko and every driver built).

# veth: no emulated NIC, the pair is made (again after each driver swap) with
# iproute2, by its path: busybox's own ip cannot make one
links_up() {
	if [ -n "$VETH_PAIR" ] && [ ! -e /sys/class/net/eth0 ]; then
		"$IP" link add eth0 type veth peer name eth1 || { why "ip link add (veth) failed"; return 1; }
	fi
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
	unload_netmap  # doit load's plan inserts netmap.ko itself
}

# native only again on the netmap.ko the plan inserted: what follows cannot pass on
# netmap's generic adapter
t_swap() { plan_load && native_only && links_up; }

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
	# pkt-gen counts a frame at each slot without NS_MOREFRAG: 60-byte frames must
	# come one a slot (upstream's e1000e flagged them all, and one "frame" of all came)
	[ "$(bytes nic-rx)" = $((got * 60)) ] || { why "eth1 received $(bytes nic-rx) bytes in $got frames, not 60 each"; return 1; }
}

# jumbo frames (9000 bytes, 5 slots each) from eth0 to a netmap receiver on eth1 that
# checks every sync hands frames over whole: the slot before the tail never has
# NS_MOREFRAG (upstream's e1000 rxsync set hwtail past a frame's first fragments)
JUMBO_FRAMES=20000 JUMBO_SIZE=9000
t_native_jumbo() {
	for nic in eth0 eth1; do
		ip link set "$nic" mtu "$JUMBO_SIZE" || { why "ip link set $nic mtu $JUMBO_SIZE failed"; return 1; }
	done
	# the MTU change and netmap's register each reset the NIC: its link comes back
	# seconds later under TCG, and a frame sent before that is lost
	timeout "$PKTGEN_TIMEOUT" nm-frames netmap:eth1 8 > /tmp/frames.out 2>&1 &
	receiver=$!
	sleep 3
	carrier eth1 10 || { why "eth1 has no carrier after its netmap register"; return 1; }
	pktgen jumbo-tx -i netmap:eth0 -f tx -n "$JUMBO_FRAMES" -l "$JUMBO_SIZE" -F 5 -w 4 || { why "pkt-gen tx of jumbo frames failed"; return 1; }
	wait $receiver || { why "nm-frames on netmap:eth1 failed: $(cat /tmp/frames.out)"; return 1; }
	sed 's/^/[frames] /' /tmp/frames.out > /dev/console
	set -- $(sed -n 's/^Frames \([0-9]*\) slots \([0-9]*\) longest \([0-9]*\) partial \([0-9]*\)$/\1 \2 \3 \4/p' /tmp/frames.out)
	report jumbo-tx tx
	metric rx_packets "${1:-0}"
	metric partial_syncs "${4:-0}"
	[ "${1:-0}" -gt 0 ] || { why "eth1 received no jumbo frame"; return 1; }
	[ "$4" = 0 ] || { why "$4 rx syncs handed over part of a frame (hwtail inside a frame)"; return 1; }
	[ "$3" = "$JUMBO_SIZE" ] || { why "the longest frame received was $3 bytes, not $JUMBO_SIZE"; return 1; }
}

t_restore() { plan_unload && links_up; }

check stock t_stock
check stock-not-native t_stock_not_native stock
check swap t_swap stock-not-native
for traffic in $TRAFFIC; do
	check "native-$traffic" "t_native_$traffic" swap
done
check restore t_restore swap
