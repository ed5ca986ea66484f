/* objload.h — a small loader for the x86-64 ELF relocatable objects the
 * JIT's code generator emits and the compiled-code cache stores, so that a
 * warm run maps a cached policy without loading LLVM (runtime/jit/jit.c).
 * It maps the allocatable sections, resolves undefined symbols from a table
 * given by the caller (the runtime entry points) and from a fixed table of
 * C library functions LLVM may call, applies the relocations and protects
 * the pages (code R+X, constants R). Anything it does not know — another
 * machine, a relocation or section kind it does not handle, an unknown
 * symbol — is a status, never a guess: the caller then loads the object
 * with LLVM instead. Built in every configuration (it does not use LLVM). */
#ifndef FG_OBJLOAD_H
#define FG_OBJLOAD_H

#include "../base/fg_base.h"

typedef enum fg_objload_status {
    FG_OBJLOAD_OK,
    FG_OBJLOAD_EHOST,        /* not an x86-64 Linux host */
    FG_OBJLOAD_EFORMAT,      /* not a well-formed x86-64 ELF64 relocatable object */
    FG_OBJLOAD_EUNSUPPORTED, /* a relocation, section or symbol kind this loader does not handle */
    FG_OBJLOAD_ESYMBOL,      /* an undefined symbol in neither table, or no entry symbol */
    FG_OBJLOAD_ERANGE,       /* a 32-bit relocation whose value does not fit */
    FG_OBJLOAD_EMAP,         /* mmap or mprotect failed */
    FG_OBJLOAD_ENOMEM
} fg_objload_status;

/* A symbol the loaded code may call, by name and address. */
typedef struct fg_objload_sym {
    const char *name;
    void (*addr)(void);
} fg_objload_sym;

typedef struct fg_objload fg_objload;

/* Maps obj[0..len) (copied: obj may be freed afterwards), resolving
 * undefined symbols from syms[0..nsyms) first, then from the C library
 * table, and returns in *entry the address of the defined global function
 * named entry_name. *out is NULL unless FG_OBJLOAD_OK; detail (may be NULL)
 * gets a short explanation of a failure (the relocation type, the symbol). */
fg_objload_status fg_objload_load(const fg_allocator *alloc, const void *obj, size_t len,
                                  const fg_objload_sym *syms, uint32_t nsyms,
                                  const char *entry_name, void (**entry)(void), fg_objload **out,
                                  fg_strbuf *detail);
/* Unmaps the code; NULL is allowed. */
void fg_objload_free(fg_objload *img);
/* Bytes mapped for img (code, constants, data, GOT and call stubs, page-rounded). */
size_t fg_objload_size(const fg_objload *img);
const char *fg_objload_status_text(fg_objload_status st);

#endif
