#ifndef LBBENCH_CTHREADWORD_H
#define LBBENCH_CTHREADWORD_H

#include <stdint.h>

/// How many selectors a thread remembers its slot in (`ThreadSlots`): a thread that alternates
/// between up to this many selectors keeps one slot in each.
#define LB_THREAD_WORDS 8

/// Per thread, the slot words of the selectors it called last, most recent first: each word
/// `owner << 16 | slot` (`ThreadSlots`), 0 where unused. A C11 `_Thread_local`, which Swift
/// cannot name itself: reading the first word is one load relative to the thread pointer in an
/// executable (the linker relaxes the access), where `pthread_getspecific` is a call through
/// the PLT, 2–3 ns a pick on the selectors that use it.
extern _Thread_local uintptr_t lb_thread_words[LB_THREAD_WORDS];

/// The calling thread's most recent word; 0 until it remembers one.
static inline uintptr_t lb_thread_word_get(void) { return lb_thread_words[0]; }

/// The calling thread's word whose owner (its bits above 16) is `owner`, moved to the front;
/// 0 if the thread remembers none. O(LB_THREAD_WORDS); touches only the thread's own words.
uintptr_t lb_thread_word_recall(uintptr_t owner);

/// Puts `word` in front of the calling thread's words, forgetting the least recently used one
/// when all are in use. O(LB_THREAD_WORDS).
void lb_thread_word_remember(uintptr_t word);

#endif
