# Upstream's control-API unit tests (utils/ctrl-api-test, its `make unitest`), one
# check per test, named as ctrl-api-test lists them.
#
# ctrl-api-test stops at its first failure, so each test runs alone (-j N). Each
# gets a fresh veth pair: on a tap nobody holds open, 6.12's tun reports 0 queues
# and netmap's generic adapter then has 0 rings (findings.md). ctrl-api-test
# deletes the interface it was given when it ends; a test that leaks a netdev
# reference makes that deletion block for ever in the kernel, so each run is
# bounded and judged by the line it prints, not by its exit.
UNIT_TIMEOUT=60

t_netmap() { ins $STOCK_MODULES && load_netmap; }

t_unit() {
	port="nmt$UNIT"
	"$IP" link add "$port" type veth peer name "${port}p" || { why "ip link add $port (veth) failed"; return 1; }
	ip link set "$port" up && ip link set "${port}p" up
	# ctrl-api-test runs "ip" itself: iproute2's, not busybox's applet
	# stderr opened read-write, as a login terminal is: glibc's perror() fdopen()s a
	# dup of it "w+", which fails with EINVAL on a write-only descriptor, and that
	# errno replaces the EMSGSIZE that infinite_options and invalid_valid_options3
	# check right after perror() (vmtests/UPSTREAM.md)
	PATH=/usr/local/sbin:$PATH timeout "$UNIT_TIMEOUT" ctrl-api-test -i "$port" -j "$UNIT" \
		> "/tmp/unit.$UNIT.out" 2<> /dev/console
	status=$?
	sed "s/^/[unit $UNIT] /" "/tmp/unit.$UNIT.out" > /dev/console
	if ! grep -q "^==> Test #$UNIT \[.*\] successful" "/tmp/unit.$UNIT.out"; then
		last=$(grep -v '^==>\|^Executing command' "/tmp/unit.$UNIT.out" | tail -n 1)
		why "failed (exit $status): ${last:-no output}"
		return 1
	fi
	[ "$status" = 0 ] || { why "passed, then did not end within $UNIT_TIMEOUT s (exit $status): its interface could not be deleted?"; return 1; }
}

t_unload() {
	sleep 1
	unload_netmap
}

check netmap t_netmap
ctrl-api-test -l > /tmp/unit.list 2>&1
# "#001: port_info_get" -> 1 port_info_get
sed -n 's/^#0*\([0-9][0-9]*\): \(.*\)$/\1 \2/p' /tmp/unit.list > /tmp/unit.tests
while read -r UNIT name; do
	check "$name" t_unit netmap
done < /tmp/unit.tests
check unload t_unload netmap
