/*
 * A CPU and memory-bandwidth hog for scripts/check-false-failures.sh: streams a read-modify-
 * write over a buffer far larger than the last-level cache, forever, so that the core it runs
 * on is busy and every cache and memory controller it shares with `lbbench check` is contended.
 *
 * Usage: memory-hog MEBIBYTES [SECONDS]   (1 to 4096 MiB, touched before the loop starts; 1 to
 * 86400 s, default 3600)
 * Stops when killed (the script stops it by PID), when the process that started it ends (even by
 * SIGKILL, which runs no trap), and in any case after SECONDS (bounded in time; the script sizes
 * it to its runs and checks before each run that the hog is still there).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    pid_t parent = getppid();
    /* Killed with its parent; if the parent is already gone, stop now. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return 70;
    long mebibytes = argc == 2 || argc == 3 ? strtol(argv[1], NULL, 10) : 0;
    long seconds = argc == 3 ? strtol(argv[2], NULL, 10) : 3600;
    if (mebibytes < 1 || mebibytes > 4096 || seconds < 1 || seconds > 86400) {
        fprintf(stderr, "usage: memory-hog MEBIBYTES [SECONDS] (1 to 4096 MiB; 1 to 86400 s, default 3600)\n");
        return 64;
    }
    alarm((unsigned)seconds);
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
