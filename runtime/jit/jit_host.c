/* jit_host.c — the host part of the compiled-code cache key, made without
 * LLVM so that a warm run never loads forge-jit.so. On x86-64 Linux it is
 * the first processor's vendor, family, model, stepping, model name and
 * feature flags from /proc/cpuinfo: LLVM derives the host CPU name and
 * features it compiles for from the same CPUID data, so the same text means
 * the same target (the LLVM version is in the key too). Elsewhere, or when
 * /proc is not readable, there is no fingerprint and the key uses the
 * module's own description of the host (loading LLVM). */
#include <stdio.h>
#include <string.h>

#include "jit_mod.h"

#if defined(__x86_64__) && defined(__linux__)

/* One line without its newline into line; false at end of file. */
static bool read_line(FILE *f, fg_strbuf *line)
{
    fg_strbuf_clear(line);
    int c;
    while ((c = getc(f)) != EOF && c != '\n')
        fg_strbuf_addc(line, (char)c);
    return c != EOF || line->len > 0;
}

/* The fields that tell which instructions the compiled code may use. */
static const char *const keep[] = {"vendor_id",  "cpu family", "model",
                                   "model name", "stepping",   "flags"};

bool fg_jit_host_text(fg_strbuf *out)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return false;
    fg_strbuf line;
    fg_strbuf_init(&line, out->alloc);
    bool have_flags = false, have_vendor = false;
    fg_strbuf_adds(out, "host x86_64-linux /proc/cpuinfo\n");
    /* the first processor's record ends at the first empty line */
    while (read_line(f, &line) && line.len > 0) {
        const char *colon = strchr(line.data, ':');
        if (!colon)
            continue;
        size_t klen = (size_t)(colon - line.data);
        while (klen > 0 && (line.data[klen - 1] == '\t' || line.data[klen - 1] == ' '))
            klen--;
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            if (strlen(keep[i]) != klen || memcmp(line.data, keep[i], klen) != 0)
                continue;
            fg_strbuf_printf(out, "%s\n", line.data);
            have_flags |= i == 5;
            have_vendor |= i == 0;
        }
    }
    bool ok = have_flags && have_vendor && !line.failed && !out->failed && !ferror(f);
    fclose(f);
    fg_strbuf_free(&line);
    return ok;
}

#else

bool fg_jit_host_text(fg_strbuf *out)
{
    (void)out;
    return false;
}

#endif
