"""Probes of pages, get/pin_user_pages, mm contexts and the IOMMU.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order;
the C text is upstream's, so answers stay comparable compile by compile.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="mm",
    probes=(
        Probe(
            "iommu",
            note="iommu_group_get()/iommu_group_id() (IOMMU groups, 3.5)",
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
            note="5.8 replaced use_mm()/unuse_mm() with kthread_use_mm()",
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
            "phys_addr_t",
            note="phys_addr_t (2.6.28)",
            on_success=(have("PHYS_ADDR_T"),),
            code="""\
#include <linux/types.h>

phys_addr_t dummy;
""",
        ),
        Probe(
            "page_ref",
            note="<linux/page_ref.h> (4.6)",
            on_success=(have("PAGE_REF"),),
            code="""\
#include <linux/page_ref.h>
""",
        ),
        Probe(
            "page_count_count",
            note="struct page's reference count is _count (before 4.7)",
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
            "page_count_refcount",
            note="struct page's reference count was renamed _refcount (4.7)",
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
            note="vm_operations_struct.fault() lost its vma argument (4.11)",
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
            note="<linux/sched/mm.h> split out of sched.h (4.11)",
            on_success=(have("SCHED_MM"),),
            code="""\
#include <linux/sched/mm.h>

void dummy(void) {}
""",
        ),
        Probe(
            "gup_4args",
            note="get_user_pages_unlocked() with 4 arguments (4.9)",
            on_success=(have("GUP_4ARGS"),),
            code="""\
#include <linux/mm.h>

long
dummy(unsigned long start, unsigned long nr_pages,
        struct page **pages, unsigned int gup_flags) {
        return get_user_pages_unlocked(start, nr_pages, pages, gup_flags);
}
""",
        ),
        Probe(
            "gup_5args",
            note="get_user_pages_unlocked() with 5 arguments (4.6 to 4.8)",
            on_success=(have("GUP_5ARGS"),),
            code="""\
#include <linux/mm.h>

long
dummy(unsigned long start, unsigned long nr_pages,
        int write, int force, struct page **pages) {
        return get_user_pages_unlocked(start, nr_pages, write, force, pages);
}
""",
        ),
        Probe(
            "gup_7args",
            note="get_user_pages_unlocked() with 7 arguments (before 4.6)",
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
""",
        ),
        Probe(
            "pin_pages",
            note="pin_user_pages_unlocked() (5.6)",
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
            note="FOLL_SPLIT gup flag (removed in 5.11)",
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
            note="page_to_virt() on every architecture (4.10)",
            on_success=(have("PAGE_TO_VIRT"),),
            code="""\
#include <linux/mm.h>

void *
dummy(struct page *page) {
        return page_to_virt(page);
}
""",
        ),
        Probe(
            "vmfault_t",
            note="vm_fault_t return type of fault handlers (4.17)",
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
            note="SetPageSwapBacked() page flag helper (4.6; page flag helpers move to folios in 6.x)",
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
