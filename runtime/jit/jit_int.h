/* jit_int.h — what the JIT's two halves share: codegen.c turns a program
 * into LLVM IR, jit.c optimises it, emits machine code, caches and loads it.
 * Only files in runtime/jit/ include LLVM headers. */
#ifndef FG_JIT_INT_H
#define FG_JIT_INT_H

#include <llvm-c/Core.h>

#include "jit_abi.h"

/* Generates the whole policy into m (which has its triple and data layout
 * set): FG_JIT_ENTRY_NAME plus internal functions for fns and tables.
 * Returns false with a message in err when the program holds something the
 * generator does not know (a bug, never a fallback). */
bool fg_jit_codegen(const fg_program *prog, LLVMModuleRef m, fg_strbuf *err);

/* The runtime entry points by name and address, for the JIT's symbol table. */
typedef struct fg_jit_rt_symbol {
    const char *name;
    void (*addr)(void);
} fg_jit_rt_symbol;
extern const fg_jit_rt_symbol fg_jit_rt_symbols[];
extern const uint32_t fg_jit_rt_nsymbols;

#endif
