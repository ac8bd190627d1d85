// The futex system call, which Swift cannot call itself because syscall(2) is variadic.
#include "CFutex.h"

#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

void lb_futex_wait(uint32_t *word, uint32_t expected) {
    syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

void lb_futex_wake_one(uint32_t *word) {
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
#else
void lb_futex_wait(uint32_t *word, uint32_t expected) { (void)word; (void)expected; }
void lb_futex_wake_one(uint32_t *word) { (void)word; }
#endif
