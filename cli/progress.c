/* progress.c — the progress line of long runs on standard error: rows read,
 * rows/s, MB/s and, when the input size is known (a plain file), the share
 * done and the time left. Shown only when standard error is a terminal and
 * the run is not quiet, at most a few times a second, and erased at the end
 * so it never mixes with the closing summary. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool fc_progress_init(fc_progress *pr, const char *data_path, bool quiet)
{
    memset(pr, 0, sizeof *pr);
    if (quiet || !isatty(fileno(stderr)))
        return false;
    struct stat st;
    size_t n = strlen(data_path);
    bool gz = n > 3 && strcmp(data_path + n - 3, ".gz") == 0;
    if (strcmp(data_path, "-") != 0 && !gz && stat(data_path, &st) == 0 && S_ISREG(st.st_mode))
        pr->size = (unsigned long long)st.st_size;
    pr->start = now_s();
    pr->active = true;
    return true;
}

void fc_progress_cb(void *ud, unsigned long long bytes, unsigned long long rows)
{
    fc_progress *pr = ud;
    double t = now_s(), el = t - pr->start;
    if (t - pr->last < 0.25 || el < 1.0)
        return; /* quick runs show nothing */
    pr->last = t;
    pr->shown = true;
    double rps = rows / el, mbs = bytes / el / 1e6;
    char eta[64] = "";
    if (pr->size && bytes <= pr->size && bytes > 0) {
        double left = (double)(pr->size - bytes) / (bytes / el);
        snprintf(eta, sizeof eta, "  %3.0f%%  ETA %dm%02ds", 100.0 * bytes / pr->size,
                 (int)(left / 60), (int)left % 60);
    }
    fprintf(stderr, "\r\033[Kforgec: %llu rows  %.0f rows/s  %.1f MB/s%s", rows, rps, mbs, eta);
    fflush(stderr);
}

void fc_progress_done(fc_progress *pr)
{
    if (pr->active && pr->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}
