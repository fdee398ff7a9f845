"""Probes of the rest of the kernel: hrtimers, poll and wait queues,
file_operations, time, types, strings, eventfd, cpu hotplug, averages,
u64_stats and PCI.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="kernel",
    probes=(
        Probe(
            "timer_rtype",
            note=(
                "hrtimer handlers return enum hrtimer_restart (the oldest hrtimer code returned "
                "int)"
            ),
            on_success=(define("TIMER_RTYPE", "enum hrtimer_restart"),),
            on_failure=(define("TIMER_RTYPE", "int"),),
            code="""\
#include <linux/hrtimer.h>

enum hrtimer_restart
testmod_timer_handler(struct hrtimer *t)
{
        (void)t;
        return HRTIMER_RESTART;
}
""",
        ),
        # upstream's `for k in _key key` loop: one probe per field name
        Probe(
            "pwait_key__key",
            note="3.4 renamed poll_table_struct.key to _key (poll_requested_events accessors)",
            on_success=(define("PWAIT_KEY", "_key"),),
            code="""\
#include <linux/poll.h>

int
dummy(struct poll_table_struct *pwait)
{
        return pwait->_key;
}
""",
        ),
        Probe(
            "pwait_key_key",
            note="poll_table_struct.key, the field name before 3.4 renamed it _key",
            on_success=(define("PWAIT_KEY", "key"),),
            code="""\
#include <linux/poll.h>

int
dummy(struct poll_table_struct *pwait)
{
        return pwait->key;
}
""",
        ),
        Probe(
            "unlocked_ioctl",
            note="file_operations.unlocked_ioctl (2.6.11; 2.6.36 removed the BKL-held .ioctl)",
            on_success=(have("UNLOCKED_IOCTL"),),
            code="""\
#include <linux/fs.h>

void *
dummy(struct file_operations *fops)
{
        return fops->unlocked_ioctl;
}
""",
        ),
        Probe(
            "uintptr",
            note="the kernel's linux/types.h defines uintptr_t (very old kernels did not)",
            on_success=(have("UINTPTR"),),
            code="""\
uintptr_t dummy;
""",
        ),
        Probe(
            "hrtimer_forward_now",
            note="hrtimer_forward_now (2.6.25)",
            on_success=(have("HRTIMER_FORWARD_NOW"),),
            code="""\
#include <linux/hrtimer.h>

u64 dummy(struct hrtimer *timer, ktime_t interval)
{
        return hrtimer_forward_now(timer, interval);
}
""",
        ),
        Probe(
            "phys_addr_t",
            note="phys_addr_t defined for every architecture in linux/types.h (2.6.3x)",
            on_success=(have("PHYS_ADDR_T"),),
            code="""\
#include <linux/types.h>

phys_addr_t dummy;
""",
        ),
        Probe(
            "usleep_range",
            note="usleep_range (2.6.36)",
            on_success=(have("USLEEP_RANGE"),),
            code="""\
#include <linux/delay.h>

void dummy(void)
{
        usleep_range(0, 0);
}
""",
        ),
        Probe(
            "hrtimer_mode_rel",
            note="HRTIMER_MODE_REL, the name that replaced HRTIMER_REL in 2.6.21",
            on_success=(have("HRTIMER_MODE_REL"),),
            code="""\
#include <linux/hrtimer.h>

int dummy = HRTIMER_MODE_REL;
""",
        ),
        Probe(
            "wait_queue_entry_t",
            note="4.13 renamed wait_queue_t to wait_queue_entry_t",
            on_success=(have("WAIT_QUEUE_ENTRY_T"),),
            code="""\
#include <linux/wait.h>

void *
dummy(wait_queue_entry_t *wq) {
	return wq->private;
}
""",
        ),
        Probe(
            "pci_enable_msix",
            note=(
                "pci_enable_msix, deprecated for pci_enable_msix_range/pci_alloc_irq_vectors and "
                "later removed"
            ),
            on_success=(have("PCI_ENABLE_MSIX"),),
            code="""\
#include <linux/pci.h>

int
dummy(struct pci_dev *dev, struct msix_entry *entries, int nvec) {
	return pci_enable_msix(dev, entries, nvec);
}
""",
        ),
        Probe(
            "average_h",
            note="linux/average.h with DECLARE_EWMA (4.3; its arguments were reworked in 4.11)",
            on_success=(have("AVERAGE_H"),),
            code="""\
#include <linux/average.h>

DECLARE_EWMA(myname, 1, 64);
void
dummy(struct ewma_myname *x) {
	ewma_myname_add(x, 18);
}
""",
        ),
        Probe(
            "u64_stats_irq",
            note=(
                "u64_stats_fetch_begin_irq, removed in 6.3 once plain u64_stats_fetch_begin "
                "sufficed"
            ),
            on_success=(have("U64_STATS_IRQ"),),
            code="""\
#include <linux/u64_stats_sync.h>

unsigned int
dummy(const struct u64_stats_sync *x) {
	return u64_stats_fetch_begin_irq(x);
}
""",
        ),
        Probe(
            "struct_timeval",
            note="struct timeval, removed from the kernel in 5.6 (y2038)",
            on_success=(have("STRUCT_TIMEVAL"),),
            code="""\
#include <linux/time.h>

void
dummy(struct timeval *tv) {
	tv->tv_sec = 0;
	tv->tv_usec = 0;
	return;
}
""",
        ),
        Probe(
            "do_gettimeofday",
            note="do_gettimeofday, removed in 5.0 (y2038)",
            on_success=(have("DO_GETTIMEOFDAY"),),
            code="""\
#include <linux/time.h>

void
dummy(struct timeval *tv) {
	do_gettimeofday(tv);
}
""",
        ),
        Probe(
            "online_cpus",
            note="get/put_online_cpus, removed in 5.16 in favour of cpus_read_lock/unlock",
            on_success=(have("ONLINE_CPUS"),),
            code="""\
#include <linux/cpu.h>

void dummy(void) {
	get_online_cpus();
	put_online_cpus();
}
""",
        ),
        Probe(
            "pollwait_5args",
            note="poll_queue_proc with a fifth argument, as seen in Oracle's UEK kernels",
            on_success=(have("POLLWAIT_5ARGS"),),
            code="""\
#include <linux/poll.h>

void dummypoll(struct file *f,
	wait_queue_head_t *w,
	struct poll_table_struct *p,
	unsigned long fixed_event);

void dummy(poll_table *pt) {
	init_poll_funcptr(pt, dummypoll);
}
""",
        ),
        Probe(
            "strscpy",
            note="strscpy (4.3)",
            on_success=(have("STRSCPY"),),
            code="""\
#include <linux/string.h>

ssize_t dummy(char *d, const char *s, size_t l) {
	return strscpy(d, s, l);
}
""",
        ),
        Probe(
            "eventfd_sig_2args",
            note="eventfd_signal(ctx, n): 6.8 dropped the count argument",
            on_success=(have("EVENTFD_SIG_2ARGS"),),
            code="""\
#include <linux/eventfd.h>

void dummy(struct eventfd_ctx *ctx) {
	eventfd_signal(ctx, 1);
}
""",
        ),
        Probe(
            "hrtimer_setup",
            note="hrtimer_setup (6.13) replaces hrtimer_init followed by setting .function",
            on_success=(have("HRTIMER_SETUP"),),
            code="""\
#include <linux/hrtimer.h>

void dummy(struct hrtimer *timer,
	enum hrtimer_restart (*function)(struct hrtimer *),
	clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_setup(timer, function, clock_id, mode);
}
""",
        ),
    ),
)
