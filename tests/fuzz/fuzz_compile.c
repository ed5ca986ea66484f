/* fuzz_compile.c — libFuzzer target: the lexer, parser and checker on
 * arbitrary bytes, through forge_compile_string. A policy that compiles
 * also has its IR dumped and its own tests run by the interpreter, so the
 * lowering and the evaluator see every policy the fuzzer finds valid. */
#include <forge.h>
#include <stdint.h>

#include "fgen.h"

static void on_diag(void *ud, const forge_diag *d)
{
    /* Touch every field: a bad pointer shows up under ASan. */
    size_t *n = ud;
    *n += d->line + d->column;
    for (const char *p = d->rendered; p && *p; p++)
        (*n)++;
}

static void on_test(void *ud, const forge_test_result *r)
{
    (void)ud;
    (void)r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t sink = 0;
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = on_diag;
    cfg.diag_ud = &sink;
    forge_policy *p = NULL;
    forge_status st = forge_compile_string(&cfg, "fuzz.fp", (const char *)data, size, &p);
    if (st == FORGE_OK) {
        fgen_buf ir = {0};
        forge_dump_ir(p, fgen_write, &ir);
        fgen_buf_free(&ir);
        unsigned passed = 0, failed = 0;
        forge_run_tests(p, FORGE_ENGINE_INTERP, on_test, NULL, &passed, &failed);
    } else if (p) {
        __builtin_trap(); /* failure must not hand back a policy */
    }
    forge_policy_free(p);
    return 0;
}
