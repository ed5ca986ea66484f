/* chunker.h — splits CSV bytes into chunks that end exactly where the
 * sequential reader (csv.c) ends a record, so each chunk can be read on its
 * own by another reader started at the chunk's first line.
 *
 * It runs the reader's quote state machine looking only at quotes and line
 * feeds (and the byte before a quote, the bytes after a closing quote): a
 * quote opens a quoted field only at a field start; a doubled quote stays
 * inside; text after a closing quote, or a quote inside an unquoted field,
 * makes the record malformed and the rest of its physical line plain data;
 * a quote never closed runs to the end of the input. Blank lines are records
 * of their own as far as boundaries go (the reader skips them, which
 * changes nothing at a boundary). */
#ifndef FG_CHUNKER_H
#define FG_CHUNKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* buf[0] is the first byte of a record (or of a blank line). Returns the
 * offset just after the first record boundary at or after `want` bytes
 * (want 0 or 1: the first boundary); when the bytes end first it returns
 * len if eof (the last chunk takes the rest) and 0 otherwise (more bytes
 * are needed). *nlines gets the count of LF bytes in [0, returned offset). */
size_t fg_chunk_end(const char *buf, size_t len, size_t want, char delim, bool eof,
                    uint64_t *nlines);

/* LF bytes in buf[0, len) (word at a time). */
uint64_t fg_chunk_count_lines(const char *buf, size_t len);

/* The same scan with the portable mask code only (tests: the results of
 * both must be identical). */
size_t fg_chunk_end_portable(const char *buf, size_t len, size_t want, char delim, bool eof,
                             uint64_t *nlines);
/* Bit k of *q / *lf: byte p[k] is a quote / a line feed, for k < 64. The
 * fastest code of this machine (SSE2 on x86-64), and the portable code. */
void fg_chunk_masks(const char *p, uint64_t *q, uint64_t *lf);
void fg_chunk_masks_portable(const char *p, uint64_t *q, uint64_t *lf);

#endif
