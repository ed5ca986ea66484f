/* gen.h — the difftest's random case generator: a well-typed Forge policy
 * (as a tree of text templates, so the minimiser can drop and simplify
 * parts) and matching CSV data (as a list of records it can drop). */
#ifndef DT_GEN_H
#define DT_GEN_H

#include <stddef.h>
#include <stdint.h>

/* Types of generated expressions (DT_OPT marks T?). */
enum { DT_NONE = 0, DT_INT = 1, DT_NUM = 2, DT_BOOL = 3, DT_STR = 4, DT_OPT = 8 };

/* A piece of policy text: tmpl holds literal bytes and, for each kid k, the
 * two bytes 0x01, k+1. A dropped node renders as nothing; a node with repl
 * renders as repl (the minimiser's simplifications). */
typedef struct dt_node dt_node;
struct dt_node {
    char *tmpl;
    dt_node **kids;
    int nkids;
    int type; /* DT_NONE for non-expressions */
    unsigned char droppable, dropped;
    dt_node *repl;
    dt_node *next_alloc; /* every node of a case, for freeing */
    double lo, hi;       /* const expressions: bounds of the value (generator only) */
};

typedef struct dt_case {
    uint64_t seed;
    dt_node *policy;
    dt_node *allocs;
    char *head;  /* BOM (maybe) + header record */
    char **recs; /* data records, each with its line ending */
    int nrecs;
    unsigned char *rec_dropped;
    char *tail; /* text after the last record ("" mostly) */
    int format; /* forge_format to run with */
} dt_case;

/* Generates case `seed` into c (0 on success, -1 out of memory). */
int dt_gen_case(uint64_t seed, dt_case *c);
void dt_case_free(dt_case *c);

/* Renders into a malloc'ed NUL-terminated string (NULL: out of memory). */
char *dt_render_policy(const dt_case *c, size_t *len);
char *dt_render_data(const dt_case *c, size_t *len);
char *dt_render_node(const dt_node *n, size_t *len);

/* A new leaf owned by c (the minimiser's replacement literals). */
dt_node *dt_case_leaf(dt_case *c, int type, const char *text);

#endif
