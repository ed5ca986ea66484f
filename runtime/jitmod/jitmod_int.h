/* jitmod_int.h — what the two halves of forge-jit.so share: codegen.c
 * turns a program into LLVM IR, lljit.c optimises it, emits machine code
 * and loads objects into ORC LLJIT. Only files in runtime/jitmod/ include
 * LLVM headers, and only the module (never libforge) is linked with LLVM. */
#ifndef FG_JITMOD_INT_H
#define FG_JITMOD_INT_H

#include <llvm-c/Core.h>

#include "../jit/jit_mod.h"

/* Generates the whole policy into m (which has its triple and data layout
 * set): FG_JIT_ENTRY_NAME plus internal functions for fns and tables.
 * Returns false with a message in err when the program holds something the
 * generator does not know (a bug, never a fallback). */
bool fg_jit_codegen(const fg_program *prog, LLVMModuleRef m, fg_strbuf *err);

/* The module's entry point (FG_JITMOD_ENTRY): the API table, or NULL when
 * libforge asks for another ABI version. */
const fg_jitmod_api *forge_jit_module(uint32_t abi_version);

#endif
