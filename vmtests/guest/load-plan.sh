# doit load / doit unload for real: /lib/nmt/plan.sh is the plan `doit load` makes for
# a machine running the stock e1000 (loading.plan_load, exported by
# loading.guest_script): rmmod the stock driver, insert netmap.ko and every driver
# we built, rolling back at the first failed step. First a step fails on purpose
# (the plan's last module is made unreadable) and the rollback must leave the
# machine as it was; then the plan runs, ours carries traffic, and nm_unload
# restores the stock driver.

# the guest has no module database: modprobe inserts the in-tree chain the build
# packed for that module (busybox sh finds a function before its own applet)
modprobe() { ins $(cat "/lib/stock/$1.chain") || return 1; }

. /lib/nmt/plan.sh

links_up() {
	for nic in eth0 eth1; do
		appears "/sys/class/net/$nic" 10 || { why "$nic did not appear"; return 1; }
		ip link set "$nic" up || { why "ip link set $nic up failed"; return 1; }
	done
}

# as before any load: the stock e1000 driving both NICs, no netmap (and so none of
# ours: each needs netmap's symbols, and ours share the stock modules' names)
as_before() {
	[ ! -d "/sys/module/$NETMAP" ] || { why "netmap.ko is still loaded"; return 1; }
	for mod in $PLAN_REMOVED; do
		[ -d "/sys/module/$mod" ] || { why "the stock $mod did not come back"; return 1; }
	done
	links_up
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
	as_before
}

t_load() {
	nm_load > /tmp/load.out 2>&1 || { why "the plan failed: $(tail -n 1 /tmp/load.out)"; return 1; }
	appears /dev/netmap 5 || { why "/dev/netmap did not appear"; return 1; }
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

t_unload() {
	nm_unload > /tmp/unload.out 2>&1 || { why "the unload failed: $(tail -n 1 /tmp/unload.out)"; return 1; }
	as_before
}

check stock t_stock
check rollback t_rollback stock
check load t_load rollback
check native-tx t_native_tx load
check unload t_unload load
