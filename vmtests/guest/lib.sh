# Helpers for the guest checks (busybox sh).  Results go to ttyS1, one line each,
# and to the console too, so that kernel messages can be placed between them.
. /etc/nmt.env

say() { echo "NMT $*" > /dev/ttyS1; echo "NMT $*" > /dev/console; }
metric() { say "metric $TEST $1 $2"; }
why() { echo "$*" > /tmp/why; }

PASSED=" "
# check NAME FUNCTION [NEEDED-CHECK...]: run one reported check
check() {
	TEST=$1 fn=$2
	shift 2
	say "begin $TEST"
	for need in "$@"; do
		case "$PASSED" in
		*" $need "*) ;;
		*) say "end $TEST skip $need did not pass"; return 1 ;;
		esac
	done
	rm -f /tmp/why
	if $fn; then
		PASSED="$PASSED$TEST "
		say "end $TEST pass"
	else
		status=$?
		say "end $TEST fail $(cat /tmp/why 2>/dev/null || echo "exit status $status")"
	fi
}

# resume NAME: this boot cannot go on cleanly after check NAME (it left the kernel in
# a state the next checks would inherit): the host boots the scenario again, with
# RESUME_AFTER=NAME in /etc/nmt.env, and the script goes on after NAME there.
# resumable: from here on the checks do not need each other, so if this boot dies (a
# panic, or a hang the host stops), the host does the same after the check that was
# running.
resume() { say "resume $1"; }
resumable() { say "resumable"; }

# module file -> module name (what /sys/module and rmmod use)
modname() { basename "$1" | sed 's/\.ko$//; s/-/_/g'; }

# insert modules in order, skipping those already in (shared dependencies)
ins() {
	for mod in "$@"; do
		[ -d "/sys/module/$(modname "$mod")" ] && continue
		insmod "$mod" || { why "insmod $(basename "$mod") failed"; return 1; }
	done
}

# wait up to $2 seconds for a path to appear
appears() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ $i -gt "${2:-10}" ] && return 1
		sleep 1
	done
}

# wait up to $2 seconds for a NIC's link
carrier() {
	i=0
	while [ "$(cat "/sys/class/net/$1/carrier" 2>/dev/null)" != 1 ]; do
		i=$((i + 1))
		[ $i -gt "$2" ] && return 1
		sleep 1
	done
}

# If a pkt-gen run, with its close, outlives its bound by 15 s it is stuck in the
# kernel (a killed task that cannot exit): fail the check, dump every task
# and every CPU's backtrace to the console, and crash the guest so that the
# host need not wait for its silence limit.
watchdog() {
	sleep "$1"
	say "end $TEST fail pkt-gen did not end within $1 s: stuck in the kernel (see the console)"
	echo t > /proc/sysrq-trigger
	echo l > /proc/sysrq-trigger
	sleep 2
	echo c > /proc/sysrq-trigger
}

# pkt-gen TAG ARGS...: bounded in time; its output goes live to the console and
# is kept in /tmp/TAG.out
pktgen() {
	tag=$1
	shift
	watchdog $((PKTGEN_TIMEOUT + 15)) &
	dog=$!
	{
		timeout "$PKTGEN_TIMEOUT" pkt-gen "$@"
		echo $? > "/tmp/$tag.status"
	} 2>&1 | tee "/tmp/$tag.out" | sed "s/^/[$tag] /" > /dev/console
	kill $dog
	return "$(cat "/tmp/$tag.status")"
}

# what a pkt-gen run reports: packets sent or received, and its speed ("2.53 M")
packets() { sed -n 's/^\(Sent\|Received\) \([0-9]*\) packets.*/\2/p' "/tmp/$1.out" | tail -n 1; }
bytes() { sed -n 's/^\(Sent\|Received\) [0-9]* packets \([0-9]*\) bytes.*/\2/p' "/tmp/$1.out" | tail -n 1; }
speed() { sed -n 's/^Speed: \([0-9.]* *[KMG]*\)pps.*/\1/p' "/tmp/$1.out" | tail -n 1 | tr -d ' '; }

# report a run's packets and pps as metrics PREFIX_packets and PREFIX_pps
report() {
	metric "$2_packets" "$(packets "$1")"
	metric "$2_pps" "$(speed "$1")"
}

# send_and_count PREFIX RX_PORT TX_PORT [PKTGEN-OPTION...]: a receiver on RX_PORT
# counts what pkt-gen sends on TX_PORT ($PACKETS packets); both sides are reported
send_and_count() {
	prefix=$1 rx_port=$2 tx_port=$3
	shift 3
	pktgen "$prefix-rx" -i "$rx_port" -f rx -W "$@" &
	receiver=$!
	sleep 2
	pktgen "$prefix-tx" -i "$tx_port" -f tx -n "$PACKETS" "$@" || { why "pkt-gen tx on $tx_port failed"; return 1; }
	wait $receiver || { why "pkt-gen rx on $rx_port failed"; return 1; }
	report "$prefix-tx" tx
	report "$prefix-rx" rx
}

load_netmap() {
	insmod "$NETMAP_KO" || { why "insmod $(basename "$NETMAP_KO") failed"; return 1; }
	appears /dev/netmap 5 || { why "/dev/netmap did not appear"; return 1; }
}

unload_netmap() {
	rmmod "$(modname "$NETMAP_KO")" || { why "rmmod netmap failed"; return 1; }
	[ ! -e /dev/netmap ] || { why "/dev/netmap is still there"; return 1; }
}

# doit load's own plan, for scenarios that swap drivers with it (load_plan): plan.sh
# defines nm_load and nm_unload (loading.guest_script). The guest has no module
# database: modprobe inserts the in-tree chain the build packed for that module
# (busybox sh finds a function before its own applet).
if [ -f /lib/nmt/plan.sh ]; then
	modprobe() { ins $(cat "/lib/stock/$1.chain") || return 1; }
	. /lib/nmt/plan.sh
fi

# as before any load: no netmap (and so none of ours: each needs netmap's symbols,
# and ours share the stock modules' names), the stock drivers the plan removed back
stock_back() {
	[ ! -d "/sys/module/$NETMAP" ] || { why "netmap.ko is still loaded"; return 1; }
	[ ! -e /dev/netmap ] || { why "/dev/netmap is still there"; return 1; }
	for mod in $PLAN_REMOVED; do
		[ -d "/sys/module/$mod" ] || { why "the stock $mod did not come back"; return 1; }
	done
}

# plan_load / plan_unload: doit load's and doit unload's steps, their output on the console
plan_load() {
	nm_load > /tmp/load.out 2>&1
	status=$?
	sed 's/^/[load] /' /tmp/load.out > /dev/console
	[ "$status" = 0 ] || { why "doit load's plan failed: $(tail -n 1 /tmp/load.out)"; return 1; }
	appears /dev/netmap 5 || { why "/dev/netmap did not appear"; return 1; }
}

plan_unload() {
	nm_unload > /tmp/unload.out 2>&1
	status=$?
	sed 's/^/[unload] /' /tmp/unload.out > /dev/console
	[ "$status" = 0 ] || { why "doit unload's steps failed: $(tail -n 1 /tmp/unload.out)"; return 1; }
	stock_back
}
