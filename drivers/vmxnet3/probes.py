"""vmxnet3: driver-specific probes (see drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, have

PROBES = ProbeSet(
    area="vmxnet3",
    probes=(
        # added after END_TESTS, once config.h is started, yet still part of the same run_tests
        Probe(
            "vmxnet3_static_rq_create",
            note=(
                "vmxnet3_int.h does not declare vmxnet3_rq_create_all, so a static one can be "
                "defined"
            ),
            on_success=(have("VMXNET3_STATIC_RQ_CREATE"),),
            driver="vmxnet3",
            code="""\
        #include "vmxnet3/vmxnet3_int.h"

	static int vmxnet3_rq_create_all(struct vmxnet3_adapter *adapter) {
		(void)adapter;
		return 0;
	}
	int dummy(struct vmxnet3_adapter *adapter) {
		return vmxnet3_rq_create_all(adapter);
	}
""",
        ),
    ),
)
