# Upstream's integration tests (utils/tests/*, its `make intest`), one check per
# test file, run the way utils/randomized_tests runs them: from utils/, with a
# fresh fd_server for each, with fixed arguments instead of random ones (so a
# failure repeats). They are bash scripts (bash-static is /bin/bash) that call
# iproute2's ip by name: /usr/local/sbin comes first on their PATH.
#
# randomized_tests stops at its first failure, and one test's leftovers (a VALE
# port it could not remove) fail the next ones. Here each test is its own check on a
# fresh netmap.ko: after each, netmap.ko must unload (nothing of the test is left)
# and is loaded again. A test that leaves netmap.ko in use fails, and the boot ends:
# the host boots again and the next test runs there (RESUME_AFTER), so one leak
# cannot hide another test's result (vmtests/UPSTREAM.md).

# under the host's 60 s limit for a silent guest (a test's output goes to a file), so a
# test that hangs is stopped here, and the next one runs
INTEGRATION_TIMEOUT=50
# functional's wait for what it expects (1 s by default; 5 s here, for a slow TCG
# guest on a busy host). Tests that expect nothing to arrive wait that long.
FUNCTIONAL_WAIT=5
# a short frame, a frame of several slots' worth of fill, and a few of them
INTEGRATION_ARGS="-n 8 -l 1000 -f x -q"
# what the known failures' reasons begin with (LEFT_IN_USE in vmtests/__init__.py)
LEFT_IN_USE="passed, but left netmap.ko in use"

# Upstream's `functional -c` stops fd_server and returns once fd_server has closed
# its socket, but before it has exited and closed its netmap ports: the tests'
# cleanup (stop fd_server, then vale-ctl -d and -r) then races with fd_server's
# exit and loses under TCG ("failed to remove v0: Device or resource busy").
# FUNCTIONAL is the tests' own knob (test_lib); this one waits for that exit, and
# does not wait a whole timeout when fd_server is already down.
functional_synced() {
	cat > /usr/local/sbin/nmt-functional <<-'EOF'
	#!/bin/sh
	case " $* " in
	*" -c "*)
		pidof fd_server > /dev/null || exit 0
		functional "$@"
		status=$?
		i=0
		while pidof fd_server > /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		exit $status ;;
	esac
	exec functional "$@"
	EOF
	chmod 755 /usr/local/sbin/nmt-functional
}

t_netmap() { functional_synced && ins $STOCK_MODULES && load_netmap; }

# a test that "exit 0"s before doing anything is upstream's way to disable it
disabled() { grep -q '^exit 0 # Test currently disabled' "$1"; }

# the test, alone with its own fd_server; its output goes to the console
run_integration() {
	cd /lib/upstream/utils || return 1
	PATH=/usr/local/sbin:$PATH FUNCTIONAL="nmt-functional -T $FUNCTIONAL_WAIT" \
		timeout "$INTEGRATION_TIMEOUT" bash -c '
		nmt-functional -o
		"$0" -v $1
		status=$?
		nmt-functional -c
		exit $status' "tests/$INTEGRATION" "$INTEGRATION_ARGS" > "/tmp/$INTEGRATION.out" 2>&1
	status=$?
	[ "$status" != 143 ] || PATH=/usr/local/sbin:$PATH nmt-functional -c  # stopped mid-way
	cd /
	sed "s/^/[$INTEGRATION] /" "/tmp/$INTEGRATION.out" > /dev/console
	return $status
}

# netmap.ko unloads only when nothing holds it: no port, no fd, no persistent VALE
# interface. Then a fresh one for the next test.
reload_netmap() {
	rmmod "$NETMAP" 2> /dev/null || return 1
	insmod "$NETMAP_KO" && appears /dev/netmap 5
}

leftovers() { echo "vale-ctl: $(vale-ctl 2>&1 | tr '\n' ' ')interfaces: $(ls /sys/class/net | tr '\n' ' ')"; }

t_integration() {
	run_integration
	status=$?
	# test_lib's "<test>: <what> FAIL(<got> != <expected>)." says what failed; else
	# the last line (a cleanup step's error may come after it)
	last=$(grep 'FAIL(' "/tmp/$INTEGRATION.out" | tail -n 1)
	[ -n "$last" ] || last=$(grep -v '^$' "/tmp/$INTEGRATION.out" | tail -n 1)
	last=${last#"tests/$INTEGRATION: "}
	if [ "$status" = 143 ]; then  # busybox timeout: killed by its SIGTERM
		why "did not end within $INTEGRATION_TIMEOUT s: ${last:-no output}"
	elif [ "$status" != 0 ]; then
		why "exit $status: ${last:-no output}"
	fi
	if ! reload_netmap; then
		IN_USE=1
		if [ "$status" = 0 ]; then
			why "$LEFT_IN_USE ($(leftovers))"
		else
			why "$(cat /tmp/why); and it left netmap.ko in use ($(leftovers))"
		fi
		return 1
	fi
	[ "$status" = 0 ]
}

t_unload() { unload_netmap; }

check netmap t_netmap
# each test on its own: a boot that dies in one goes on in a new one after it
case "$PASSED" in *" netmap "*) resumable ;; esac
IN_USE= RESUMING=
for path in /lib/upstream/utils/tests/*; do
	INTEGRATION=$(basename "$path")
	if [ -n "$RESUME_AFTER" ]; then
		# this boot goes on after the test that ended the previous one
		[ "$INTEGRATION" = "$RESUME_AFTER" ] && RESUME_AFTER=
		continue
	fi
	if [ -n "$IN_USE" ]; then
		resume "$LAST"
		RESUMING=1
		break
	fi
	if disabled "$path"; then
		say "begin $INTEGRATION"
		say "end $INTEGRATION skip upstream disabled it (exit 0 at its top)"
		continue
	fi
	check "$INTEGRATION" t_integration netmap
	LAST=$INTEGRATION
done
if [ -n "$RESUMING" ]; then
	: # the next boot goes on, and unloads
elif [ -n "$IN_USE" ]; then
	say "begin unload"
	say "end unload skip $LAST left netmap.ko in use"
else
	check unload t_unload netmap
fi
