#define __maybe_unused __attribute__((unused))
