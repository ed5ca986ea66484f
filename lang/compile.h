/* compile.h — policy source -> checked, lowered fg_program.
 * Loads the file and its imports, parses them, resolves names, checks types
 * and every static rule of the language, folds constants and lowers to IR.
 * Stops before lowering when any error was reported. */
#ifndef FG_COMPILE_H
#define FG_COMPILE_H

#include "ir.h"

typedef struct fg_compile_options {
    const char *const *include_dirs; /* -I paths, searched after the file's folder */
    size_t ninclude_dirs;
    const char *stdlib_dir; /* installed stdlib folder, or NULL */
} fg_compile_options;

/* Compile from a file on disk (name is shown in diagnostics, path opened).
 * On success returns a program (which takes over a copy of the sources);
 * on failure NULL, with diagnostics in diags (sources stay in *src for
 * rendering them). src must be initialised by the caller and is freed by it. */
fg_program *fg_compile_file(const fg_allocator *alloc, fg_sources *src, fg_diags *diags,
                            const char *name, const char *path, const fg_compile_options *opt);

/* The same from text in memory; name is used in diagnostics. Imports are
 * searched in opt's include_dirs only (and the stdlib folder). */
fg_program *fg_compile_string(const fg_allocator *alloc, fg_sources *src, fg_diags *diags,
                              const char *name, const char *text, size_t len,
                              const fg_compile_options *opt);

#endif
