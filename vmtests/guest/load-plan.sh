# doit load / doit unload for real: /lib/nmt/plan.sh is the plan `doit load` makes for
# a machine running the stock e1000 (loading.plan_load, exported by
# loading.guest_script): rmmod the stock driver, insert netmap.ko and every driver
# we built, rolling back at the first failed step. First a step fails on purpose
# (the plan's last module is made unreadable) and the rollback must leave the
# machine as it was; then the plan runs, ours carries traffic, and nm_unload
# restores the stock driver. (lib.sh sources plan.sh and gives it a modprobe.)

links_up() {
	for nic in eth0 eth1; do
		appears "/sys/class/net/$nic" 10 || { why "$nic did not appear"; return 1; }
		ip link set "$nic" up || { why "ip link set $nic up failed"; return 1; }
	done
}

t_stock() { ins $STOCK_MODULES && links_up; }

t_rollback() {
	mv "$PLAN_BREAK" "$PLAN_BREAK.away"
	nm_load > /tmp/load.out 2>&1
	status=$?
	mv "$PLAN_BREAK.away" "$PLAN_BREAK"
	sed 's/^/[load] /' /tmp/load.out > /dev/console
	[ "$status" != 0 ] || { why "the plan succeeded with $(basename "$PLAN_BREAK") missing"; return 1; }
	grep -q "failed, rolling back" /tmp/load.out || { why "no rollback was reported"; return 1; }
	stock_back && links_up
}

t_load() {
	plan_load || return 1
	for mod in $OURS; do
		[ -e "/sys/module/$NETMAP/holders/$mod" ] || { why "$mod does not use netmap's symbols"; return 1; }
	done
	links_up
}

t_native_tx() {
	pktgen plan-tx -i netmap:eth0 -f tx -n "$PACKETS" -w 2 || { why "pkt-gen tx on netmap:eth0 (native) failed"; return 1; }
	report plan-tx tx
	[ "$(packets plan-tx)" = "$PACKETS" ] || { why "sent $(packets plan-tx) of $PACKETS"; return 1; }
}

t_unload() { plan_unload && links_up; }

check stock t_stock
check rollback t_rollback stock
check load t_load rollback
check native-tx t_native_tx load
check unload t_unload load
