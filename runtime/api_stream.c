/* api_stream.c — CSV input from a host's read callback
 * (forge_run_options.read): the byte source the CSV reader pulls from,
 * so a stream needs no file and no FILE*. */
#include "csv.h"
#include "driver.h"

static size_t read_cb(void *ud, char *buf, size_t cap, const char **err)
{
    const forge_run_options *opt = ud;
    long long n = opt->read(opt->read_ud, buf, cap);
    if (n < 0 || (unsigned long long)n > cap) {
        *err = "the read callback failed";
        return 0;
    }
    return (size_t)n;
}

fg_byte_source fg_api_read_source(const forge_run_options *opt)
{
    fg_byte_source src = {read_cb, (void *)opt};
    return src;
}
