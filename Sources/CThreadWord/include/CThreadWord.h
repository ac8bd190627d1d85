#ifndef LBBENCH_CTHREADWORD_H
#define LBBENCH_CTHREADWORD_H

#include <stdint.h>

/// One machine word per thread, for `ThreadSlots` (the owner id and slot of the selector the
/// thread last called). A C11 `_Thread_local`, which Swift cannot name itself: reading it is one
/// load relative to the thread pointer in an executable (the linker relaxes the access), where
/// `pthread_getspecific` is a call through the PLT, 2–3 ns a pick on the selectors that use it.
extern _Thread_local uintptr_t lb_thread_word;

/// The calling thread's word; 0 until it sets one.
static inline uintptr_t lb_thread_word_get(void) { return lb_thread_word; }

/// Sets the calling thread's word.
static inline void lb_thread_word_set(uintptr_t value) { lb_thread_word = value; }

#endif
