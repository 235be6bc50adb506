// Preloaded into programs run under valgrind by Scripts/bench.sh's `profile` benchmark.
//
// An `async` Swift main parks its main thread in libdispatch's dispatch_main, which calls sigsuspend with a mask
// in read-only memory. valgrind 3.19 edits that mask in place before the call and dies of the fault ("the
// 'impossible' happened"). This passes sigsuspend a writable copy of the mask instead; nothing else changes.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>

int sigsuspend(const sigset_t *mask) {
    static int (*next)(const sigset_t *);
    if (!next) next = (int (*)(const sigset_t *))dlsym(RTLD_NEXT, "sigsuspend");
    sigset_t copy = *mask;
    return next(&copy);
}
