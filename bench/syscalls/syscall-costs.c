/*
 * What a system call and a page fault cost on the machine at hand (ADR 0076, docs/performance.md, feat/i16ok).
 * SQLite's unix VFS writes each WAL frame as two pwrite calls (its 24-byte header, then its page); on a paravirtualised
 * VM each call is dear before it copies a byte. This program measures, in CPU time from getrusage:
 *
 *   pwrite DIR            4 KiB pwrite over pages already in the page cache, and 4 KiB pread of them (per call)
 *   wal DIR               400 WAL-like frames written two calls each (24 B + 4 KiB), against the same bytes in one call
 *   faults                a first touch of fresh anonymous memory, and again after MADV_DONTNEED (what the GC does)
 *
 * Build and run:  cc -O2 -o /tmp/syscall-costs bench/syscalls/syscall-costs.c && /tmp/syscall-costs wal /tmp
 * DIR is where a scratch file is written (and removed). Nothing here is part of the product or its tests.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

enum { Page = 4096, Header = 24, Frame = Header + Page, Frames = 400, Rounds = 50, Calls = 20000 };

static double cpu_seconds(int system_only)
{
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    double s = r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
    return system_only ? s : s + r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6;
}

static int scratch(const char *dir, char *path, size_t size)
{
    snprintf(path, size, "%s/syscall-costs-%d", dir, (int)getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) { perror(path); exit(1); }
    return fd;
}

static void pwrite_costs(const char *dir)
{
    char path[4096], *buf = calloc(1, Page);
    int fd = scratch(dir, path, sizeof path);
    for (long i = 0; i < Calls; i++) pwrite(fd, buf, Page, (off_t)i * Page); /* the pages are now cached */
    double t0 = cpu_seconds(1);
    for (long i = 0; i < Calls; i++) pwrite(fd, buf, Page, (off_t)i * Page);
    double t1 = cpu_seconds(1);
    for (long i = 0; i < Calls; i++) pread(fd, buf, Page, (off_t)i * Page);
    double t2 = cpu_seconds(1);
    printf("4 KiB pwrite over cached pages: %.2f us of kernel CPU per call; 4 KiB pread: %.2f us\n",
           (t1 - t0) / Calls * 1e6, (t2 - t1) / Calls * 1e6);
    close(fd); unlink(path); free(buf);
}

static void wal_costs(const char *dir)
{
    char path[4096], *buf = calloc(Frames, Frame);
    int fd = scratch(dir, path, sizeof path);
    for (int r = 0; r < Rounds; r++) pwrite(fd, buf, (size_t)Frames * Frame, (off_t)r * Frames * Frame);
    for (int mode = 0; mode < 2; mode++)
    {
        double t0 = cpu_seconds(0);
        for (int r = 0; r < Rounds; r++)
        {
            off_t at = (off_t)r * Frames * Frame;
            if (mode == 0)
                for (int f = 0; f < Frames; f++, at += Frame) { pwrite(fd, buf, Header, at); pwrite(fd, buf + Header, Page, at + Header); }
            else
                pwrite(fd, buf, (size_t)Frames * Frame, at);
        }
        printf("%s: %.2f us of CPU per frame\n", mode == 0 ? "frames written as SQLite's unix VFS writes them (2 calls each)"
                                                          : "the same bytes in one call",
               (cpu_seconds(0) - t0) / Rounds / Frames * 1e6);
    }
    close(fd); unlink(path); free(buf);
}

static void fault_costs(void)
{
    const long pages = 16384;
    char *p = mmap(NULL, pages * Page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) { perror("mmap"); exit(1); }
    double t0 = cpu_seconds(1);
    for (long i = 0; i < pages; i++) p[i * Page] = 1;
    double t1 = cpu_seconds(1);
    madvise(p, pages * Page, MADV_DONTNEED);
    double t2 = cpu_seconds(1);
    for (long i = 0; i < pages; i++) p[i * Page] = 1;
    double t3 = cpu_seconds(1);
    printf("first touch of a fresh page: %.2f us of kernel CPU per fault; after MADV_DONTNEED: %.2f us\n",
           (t1 - t0) / pages * 1e6, (t3 - t2) / pages * 1e6);
    munmap(p, pages * Page);
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "pwrite") == 0) pwrite_costs(argv[2]);
    else if (argc >= 3 && strcmp(argv[1], "wal") == 0) wal_costs(argv[2]);
    else if (argc >= 2 && strcmp(argv[1], "faults") == 0) fault_costs();
    else { fprintf(stderr, "usage: %s pwrite DIR | wal DIR | faults\n", argv[0]); return 2; }
    return 0;
}
