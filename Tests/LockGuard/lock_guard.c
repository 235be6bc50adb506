// Preloaded into the test run by Scripts/test.sh (LD_PRELOAD). It reports any close() of a descriptor of one of our
// SQLite databases (or dup2()/dup3() over one) made outside SQLite: our code opens those files only through SQLite.
//
// Why: a POSIX advisory lock belongs to a process and a file, and closing *any* descriptor of that file releases all
// of the process's locks on it. SQLite keeps its WAL locks that way, so code that merely reads `evidence.sqlite` or
// its `-shm` in a process that also has it open through SQLite silently drops SQLite's locks, and so does a stray
// second close of a descriptor number that SQLite has since been given. Another process can then write while this
// one holds the write lock: two writers, a corrupt database. The tests run servers in their own process beside
// `evidence-review` child processes, which is exactly where this once happened (a test read every file of the
// temporary folder, other tests' live databases included).
//
// Only processes whose program name starts with "evidence" are watched (the test binary, evidence-drop,
// evidence-review); reports go to the folder named by EVIDENCE_LOCK_GUARD_REPORTS, one file per report.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int (*real_close)(int);
static int (*real_dup2)(int, int);
static int (*real_dup3)(int, int, int);
static const char *reports;
static int watched;
static atomic_int report_count;

static void resolve(void) {
    if (real_close) return;
    real_dup2 = dlsym(RTLD_NEXT, "dup2");
    real_dup3 = dlsym(RTLD_NEXT, "dup3");
    real_close = dlsym(RTLD_NEXT, "close");
}

__attribute__((constructor)) static void lock_guard_start(void) {
    resolve();
    reports = getenv("EVIDENCE_LOCK_GUARD_REPORTS");
    char program[1024];
    ssize_t length = readlink("/proc/self/exe", program, sizeof program - 1);
    if (reports == NULL || length <= 0) return;
    program[length] = 0;
    const char *name = strrchr(program, '/');
    watched = strncmp(name ? name + 1 : program, "evidence", 8) == 0;
}

// The path `fd` refers to, when it is a regular file whose name marks it as one of our SQLite databases (the
// database, its -wal and -shm).
static int database_path(int fd, char *path, size_t size) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t length = readlink(link, path, size - 1);
    if (length <= 0) return 0;
    path[length] = 0;
    if (strstr(path, ".sqlite") == NULL) return 0;
    struct stat status;
    return fstat(fd, &status) == 0 && S_ISREG(status.st_mode);
}

static int from_sqlite(void *caller) {
    Dl_info info;
    return dladdr(caller, &info) && info.dli_fname && strstr(info.dli_fname, "libsqlite3") != NULL;
}

static void check(const char *what, int fd, void *caller) {
    if (!watched || from_sqlite(caller)) return;
    char path[1024];
    if (!database_path(fd, path, sizeof path)) return;
    char name[1200];
    snprintf(name, sizeof name, "%s/report-%d-%d.txt", reports, getpid(), atomic_fetch_add(&report_count, 1));
    int out = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) return;
    dprintf(out, "%s of descriptor %d (%s) outside SQLite:\n", what, fd, path);
    void *frames[48];
    backtrace_symbols_fd(frames, backtrace(frames, 48), out);
    real_close(out);
}

int close(int fd) {
    resolve();
    check("close", fd, __builtin_return_address(0));
    return real_close(fd);
}

int dup2(int from, int fd) {
    resolve();
    if (from != fd) check("dup2 over", fd, __builtin_return_address(0));
    return real_dup2(from, fd);
}

int dup3(int from, int fd, int flags) {
    resolve();
    check("dup3 over", fd, __builtin_return_address(0));
    return real_dup3(from, fd, flags);
}
