# netmap.ko alone: load, VALE and pipe traffic, unload.

t_load() { load_netmap; }

# VALE drops what a slow receiver cannot take (no backpressure): the receiver must
# get packets, not all of them
t_vale() {
	send_and_count vale vale0:b vale0:a -w 1 || return 1
	[ "$(packets vale-tx)" = "$PACKETS" ] || { why "sent $(packets vale-tx) of $PACKETS"; return 1; }
	[ "$(packets vale-rx)" -gt 0 ] 2> /dev/null || { why "vale0:b received nothing"; return 1; }
}

# a pipe loses nothing: every packet sent on one end arrives at the other
t_pipe() {
	send_and_count pipe 'vale1:p}1' 'vale1:p{1' -w 1 || return 1
	[ "$(packets pipe-rx)" = "$PACKETS" ] || { why "received $(packets pipe-rx) of $PACKETS"; return 1; }
}

t_unload() { unload_netmap; }

check load t_load
check vale t_vale load
check pipe t_pipe load
check unload t_unload load
