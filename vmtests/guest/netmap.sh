# netmap.ko alone: load, VALE and pipe traffic, unload.

t_load() { load_netmap; }

# VALE drops what a slow receiver cannot take (no backpressure): the receiver must
# get packets, not all of them
t_vale() {
	pktgen vale-rx -i vale0:b -f rx -W &
	receiver=$!
	sleep 1
	pktgen vale-tx -i vale0:a -f tx -n "$PACKETS" -w 1 || { why "pkt-gen tx on vale0:a failed"; return 1; }
	wait $receiver || { why "pkt-gen rx on vale0:b failed"; return 1; }
	report vale-tx tx
	report vale-rx rx
	[ "$(packets vale-tx)" = "$PACKETS" ] || { why "sent $(packets vale-tx) of $PACKETS"; return 1; }
	[ "$(packets vale-rx)" -gt 0 ] 2> /dev/null || { why "vale0:b received nothing"; return 1; }
}

# a pipe loses nothing: every packet sent on one end arrives at the other
t_pipe() {
	pktgen pipe-rx -i 'vale1:p}1' -f rx -W &
	receiver=$!
	sleep 1
	pktgen pipe-tx -i 'vale1:p{1' -f tx -n "$PACKETS" -w 1 || { why "pkt-gen tx on the pipe failed"; return 1; }
	wait $receiver || { why "pkt-gen rx on the pipe failed"; return 1; }
	report pipe-tx tx
	report pipe-rx rx
	[ "$(packets pipe-rx)" = "$PACKETS" ] || { why "received $(packets pipe-rx) of $PACKETS"; return 1; }
}

t_unload() { unload_netmap; }

check load t_load
check vale t_vale load
check pipe t_pipe load
check unload t_unload load
