#include <linux/kernel.h>
#define MODULE_LICENSE(license) static const char __maybe_unused netmap_fake_license[] = license
