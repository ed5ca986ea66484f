/* fmt.h — `forgec fmt`: the canonical layout of one policy file, printed
 * from its syntax tree, with the comments of the source put back.
 *
 * Layout: one declaration per line group, two spaces inside blocks, `:`
 * aligned in input blocks, `=>` aligned in tables and decides, `=` aligned
 * in report blocks and in runs of consts or lets not separated by a blank
 * line, one space around binary operators, parentheses exactly where the
 * writer put them, number and string literals as written in the source.
 * Blank lines between declarations and between block items are kept (at
 * most one). Lines are broken only in fixed places when they would pass
 * FG_FMT_WIDTH columns: a top-level `if` (`then` / `else` under `if`), a
 * rule's `else "message"` (next line, indented), fixture and `with` fields
 * (filled, continued under the first field). Every comment is kept: a
 * comment at the end of a line stays at the end of the line holding the same
 * code (trailing comments of a block are aligned), a comment on its own
 * line stays before the code that followed it. The result is a fixed point:
 * formatting it again gives the same text. */
#ifndef FG_FMT_H
#define FG_FMT_H

#include "source.h"

#define FG_FMT_WIDTH 90

/* Formats file `file` of src into out (appended). Returns false when the
 * file has syntax errors (reported into diags; nothing is appended) or when
 * memory ran out (diags->oom or out->failed). */
bool fg_fmt_file(const fg_sources *src, uint32_t file, fg_diags *diags, fg_strbuf *out);

#endif
