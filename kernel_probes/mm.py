"""Probes of pages and their reference counts, gup/pin, vm_fault, mmu contexts
and the IOMMU.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile.
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="mm",
    probes=(
        Probe(
            "iommu",
            note="iommu_group_get/iommu_group_id, the IOMMU group API (3.5)",
            on_success=(have("IOMMU"),),
            code="""\
#include <linux/iommu.h>

void dummy(void)
{
        struct iommu_group *grp = iommu_group_get(NULL);
        int id = iommu_group_id(grp);

        (void)grp;
        (void)id;
}
""",
        ),
        Probe(
            "kthread_use_mm",
            note="5.8 removed use_mm/unuse_mm in favour of kthread_use_mm",
            on_success=(have("KTHREAD_USE_MM"),),
            code="""\
#include <linux/kthread.h>
#include <linux/mmu_context.h>

void dummy(struct mm_struct *mm)
{
	kthread_use_mm(mm);
}
""",
        ),
        Probe(
            "page_ref",
            note="linux/page_ref.h, the page reference count accessors (4.6)",
            on_success=(have("PAGE_REF"),),
            code="""\
#include <linux/page_ref.h>
""",
        ),
        # upstream's `for f in _count _refcount` loop: one probe per field name
        Probe(
            "page_count__count",
            note="struct page's reference count field is _count (before 4.7 renamed it _refcount)",
            on_success=(define("PAGE_COUNT", "_count"),),
            code="""\
#include <linux/mm.h>

atomic_t
dummy(struct page *page) {
	return page->_count;
}
""",
        ),
        Probe(
            "page_count__refcount",
            note="4.7 renamed struct page's _count to _refcount",
            on_success=(define("PAGE_COUNT", "_refcount"),),
            code="""\
#include <linux/mm.h>

atomic_t
dummy(struct page *page) {
	return page->_refcount;
}
""",
        ),
        Probe(
            "fault_vma_arg",
            note="vm_operations_struct.fault took (vma, vmf) until 4.11 dropped the vma argument",
            on_success=(have("FAULT_VMA_ARG"),),
            code="""\
        #include <linux/mm.h>

	int
	dummy(struct vm_operations_struct *ops,
		struct vm_area_struct *vma, struct vm_fault *vmf) {
		return ops->fault(vma, vmf);
	}
""",
        ),
        Probe(
            "sched_mm",
            note="linux/sched/mm.h, from the 4.11 split of linux/sched.h",
            on_success=(have("SCHED_MM"),),
            code="""\
#include <linux/sched/mm.h>

void dummy(void) {}
""",
        ),
        Probe(
            "gup_4args",
            note=(
                "get_user_pages_unlocked(start, nr_pages, pages, gup_flags): 4.9 replaced "
                "write/force with gup_flags"
            ),
            on_success=(have("GUP_4ARGS"),),
            code="""\
  	#include <linux/mm.h>

	long
	dummy(unsigned long start, unsigned long nr_pages,
		struct page **pages, unsigned int gup_flags) {
		return get_user_pages_unlocked(start, nr_pages, pages, gup_flags);
	}
""",  # noqa: E101
        ),
        Probe(
            "gup_5args",
            note="get_user_pages_unlocked(start, nr_pages, write, force, pages): 4.6 to 4.8",
            on_success=(have("GUP_5ARGS"),),
            code="""\
  	#include <linux/mm.h>

	long
	dummy(unsigned long start, unsigned long nr_pages,
		int write, int force, struct page **pages) {
		return get_user_pages_unlocked(start, nr_pages, write, force, pages);
	}
""",  # noqa: E101
        ),
        Probe(
            "gup_7args",
            note=(
                "get_user_pages_unlocked(tsk, mm, ...) with seven arguments, before 4.6 dropped "
                "tsk and mm"
            ),
            on_success=(have("GUP_7ARGS"),),
            code="""\
  	#include <linux/mm.h>

	long
	dummy(struct task_struct *tsk, struct mm_struct *mm,
		unsigned long start, unsigned long nr_pages,
		int write, int force, struct page **pages) {
		return get_user_pages_unlocked(tsk, mm, start, nr_pages,
			write, force, pages);
	}
""",  # noqa: E101
        ),
        Probe(
            "pin_pages",
            note="pin_user_pages_unlocked (5.6, the FOLL_PIN API)",
            on_success=(have("PIN_PAGES"),),
            code="""\
#include <linux/mm.h>

long
dummy(unsigned long start, unsigned long nr_pages,
	unsigned int gup_flags, struct page **pages) {
	return pin_user_pages_unlocked(start, nr_pages, pages, gup_flags);
}
""",
        ),
        Probe(
            "foll_split",
            note="FOLL_SPLIT gup flag, removed in 5.x (only FOLL_SPLIT_PMD stayed)",
            on_success=(have("FOLL_SPLIT"),),
            code="""\
#include <linux/mm.h>

int
dummy(void) {
	return FOLL_SPLIT;
}
""",
        ),
        Probe(
            "page_to_virt",
            note=(
                "page_to_virt available to modules on every architecture (generic definition in "
                "linux/mm.h, 4.x)"
            ),
            on_success=(have("PAGE_TO_VIRT"),),
            code="""\
  	#include <linux/mm.h>

	void *
	dummy(struct page *page) {
		return page_to_virt(page);
	}
""",  # noqa: E101
        ),
        Probe(
            "vmfault_t",
            note="vm_fault_t, the fault handler return type (4.17)",
            on_success=(have("VMFAULT_T"),),
            code="""\
#include <linux/mm.h>

vm_fault_t dummy(void) {
	return 0;
}
""",
        ),
        Probe(
            "setpageswapbacked",
            note=(
                "SetPageSwapBacked page-flag helper (page flags move to folio helpers in newer "
                "kernels)"
            ),
            on_success=(have("SETPAGESWAPBACKED"),),
            code="""\
#include <linux/mm.h>

void dummy(struct page *page) {
	SetPageSwapBacked(page);
}
""",
        ),
    ),
)
