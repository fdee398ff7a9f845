/*
 * nm-frames PORT IDLE_SECONDS: a netmap receiver that checks what each rxsync
 * hands over.  A frame longer than one buffer spans several slots, all but its
 * last flagged NS_MOREFRAG.  A driver must hand frames over whole: after a
 * sync, the slot before the ring's tail never carries NS_MOREFRAG.  Counts
 * frames, slots, the longest frame, and the syncs that broke that rule
 * ("partial").  Stops after IDLE_SECONDS with nothing received.
 *
 * Built statically by doit vmtest (the guest has no libc), against netmap's
 * header-only nm_open (NETMAP_WITH_LIBS).
 */
#define NETMAP_WITH_LIBS
#include <net/netmap_user.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

struct counts {
	unsigned long frames, slots, partial, longest, current;
};

/* consume one ring; returns 1 if the sync left a frame unfinished at the tail */
static int
take(struct netmap_ring *ring, struct counts *c)
{
	unsigned int last = ring->head;

	while (!nm_ring_empty(ring)) {
		struct netmap_slot *slot = &ring->slot[ring->head];

		c->slots++;
		c->current += slot->len;
		if (!(slot->flags & NS_MOREFRAG)) {
			c->frames++;
			if (c->current > c->longest)
				c->longest = c->current;
			c->current = 0;
		}
		last = ring->head;
		ring->head = ring->cur = nm_ring_next(ring, ring->head);
	}
	return (ring->slot[last].flags & NS_MOREFRAG) != 0;
}

int
main(int argc, char **argv)
{
	struct counts c = { 0 };
	struct nm_desc *port;
	struct pollfd pfd;

	if (argc != 3) {
		fprintf(stderr, "usage: nm-frames PORT IDLE_SECONDS\n");
		return 2;
	}
	port = nm_open(argv[1], NULL, 0, NULL);
	if (port == NULL) {
		perror(argv[1]);
		return 1;
	}
	pfd.fd = port->fd;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, atoi(argv[2]) * 1000) > 0) {
		unsigned int r;

		for (r = port->first_rx_ring; r <= port->last_rx_ring; r++) {
			struct netmap_ring *ring = NETMAP_RXRING(port->nifp, r);

			if (!nm_ring_empty(ring))
				c.partial += take(ring, &c);
		}
	}
	printf("Frames %lu slots %lu longest %lu partial %lu\n",
	       c.frames, c.slots, c.longest, c.partial);
	nm_close(port);
	return 0;
}
