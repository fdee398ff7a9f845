# Upstream's integration tests (utils/tests/*, its `make intest`), one check per
# test file, run the way utils/randomized_tests runs them: from utils/, with a
# fresh fd_server for each, with fixed arguments instead of random ones (so a
# failure repeats). randomized_tests stops at its first failure; here each test
# is its own check. They are bash scripts (bash-static is /bin/bash) that call
# iproute2's ip by name: /usr/local/sbin comes first on their PATH.
INTEGRATION_TIMEOUT=120
# functional waits 1 s by default for what it expects to receive: too short under TCG
export FUNCTIONAL="functional -T 10"
# a short frame, a frame of several slots' worth of fill, and a few of them
INTEGRATION_ARGS="-n 8 -l 1000 -f x -q"

t_netmap() { ins $STOCK_MODULES && load_netmap; }

# a test that "exit 0"s before doing anything is upstream's way to disable it
disabled() { grep -q '^exit 0 # Test currently disabled' "$1"; }

t_integration() {
	cd /lib/upstream/utils || return 1
	PATH=/usr/local/sbin:$PATH timeout "$INTEGRATION_TIMEOUT" bash -c '
		. ./test_lib
		restart_fd_server > /dev/null 2>&1
		"$0" -v $1
		status=$?
		$FUNCTIONAL -c > /dev/null 2>&1
		exit $status' "tests/$INTEGRATION" "$INTEGRATION_ARGS" > "/tmp/$INTEGRATION.out" 2>&1
	status=$?
	cd /
	sed "s/^/[$INTEGRATION] /" "/tmp/$INTEGRATION.out" > /dev/console
	[ "$status" = 0 ] && return 0
	last=$(grep -iv '^$' "/tmp/$INTEGRATION.out" | tail -n 1)
	[ "$status" = 124 ] && why "did not end within $INTEGRATION_TIMEOUT s: ${last:-no output}" && return 1
	why "exit $status: ${last:-no output}"
	return 1
}

t_unload() {
	sleep 1
	unload_netmap
}

check netmap t_netmap
for path in /lib/upstream/utils/tests/*; do
	INTEGRATION=$(basename "$path")
	if disabled "$path"; then
		say "begin $INTEGRATION"
		say "end $INTEGRATION skip upstream disabled it (exit 0 at its top)"
		continue
	fi
	check "$INTEGRATION" t_integration netmap
done
check unload t_unload netmap
