#ifndef LBBENCH_CFUTEX_H
#define LBBENCH_CFUTEX_H

#include <stdint.h>

/// Sleeps while `*word == expected` (Linux FUTEX_WAIT_PRIVATE); returns at once elsewhere.
/// Spurious wake-ups are allowed: callers re-check their condition.
void lb_futex_wait(uint32_t *word, uint32_t expected);

/// Wakes at most one thread sleeping on `word` (Linux FUTEX_WAKE_PRIVATE).
void lb_futex_wake_one(uint32_t *word);

#endif
