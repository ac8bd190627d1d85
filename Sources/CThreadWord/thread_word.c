// The storage of the thread-local words declared in CThreadWord.h, and their recency order.
#include "CThreadWord.h"

_Thread_local uintptr_t lb_thread_words[LB_THREAD_WORDS] = {0};

/// Moves entry `index` to the front, shifting the more recent ones back by one.
static uintptr_t move_to_front(int index) {
    uintptr_t word = lb_thread_words[index];
    for (int later = index; later > 0; later--) lb_thread_words[later] = lb_thread_words[later - 1];
    lb_thread_words[0] = word;
    return word;
}

uintptr_t lb_thread_word_recall(uintptr_t owner) {
    for (int index = 0; index < LB_THREAD_WORDS; index++) {
        uintptr_t word = lb_thread_words[index];
        if (word != 0 && word >> 16 == owner) return move_to_front(index);
    }
    return 0;
}

void lb_thread_word_remember(uintptr_t word) {
    move_to_front(LB_THREAD_WORDS - 1);
    lb_thread_words[0] = word;
}
