// The storage of the thread-local word declared in CThreadWord.h.
#include "CThreadWord.h"

_Thread_local uintptr_t lb_thread_word = 0;
