/*
 * A CPU and memory-bandwidth hog for scripts/check-false-failures.sh: streams a read-modify-
 * write over a buffer far larger than the last-level cache, forever, so that the core it runs
 * on is busy and every cache and memory controller it shares with `lbbench check` is contended.
 *
 * Usage: memory-hog MEBIBYTES   (1 to 4096; the buffer is touched before the loop starts)
 * Stops only when killed (the script stops it by PID).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    long mebibytes = argc == 2 ? strtol(argv[1], NULL, 10) : 0;
    if (mebibytes < 1 || mebibytes > 4096) {
        fprintf(stderr, "usage: memory-hog MEBIBYTES (1 to 4096)\n");
        return 64;
    }
    size_t words = (size_t)mebibytes * 1024 * 1024 / sizeof(uint64_t);
    volatile uint64_t *buffer = malloc(words * sizeof(uint64_t));
    if (buffer == NULL) {
        fprintf(stderr, "memory-hog: cannot allocate %ld MiB\n", mebibytes);
        return 71;
    }
    memset((void *)buffer, 1, words * sizeof(uint64_t));
    for (uint64_t pass = 0;; pass++) {
        /* One word per 64-byte line: every access a new line, so bandwidth, not arithmetic, bounds it. */
        for (size_t i = 0; i < words; i += 8) buffer[i] += pass;
    }
}
