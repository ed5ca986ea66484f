/* api_partial.c — partial reports (include/forge.h): one report
 * accumulator per report of a policy plus the row counts, filled from
 * caller columns or CSV, merged exactly (fg_report_acc_merge), moved
 * between processes as bytes and written by the very code forge_report
 * uses (fg_driver_write_reports), so the tables are forge_report's.
 *
 * The bytes, little-endian:
 *   "FGREPRT\0", u32 format version, u64 policy fingerprint,
 *   u64 rows read, evaluated, in error, u32 report count,
 *   each report's accumulator (report_io.c), u64 FNV-1a of all before.
 * The fingerprint hashes the policy's typed IR (fg_ir_dump: semantics, not
 * file names or layout) and the shape of its reports. Every call that can
 * fail works on scratch accumulators and merges them in only when all
 * went well, so a failed call leaves the partial as it was. */
#include <stdarg.h>
#include <string.h>

#include "api_session.h"
#include "driver.h"
#include "report.h"
#include "wire.h"

#define PARTIAL_MAGIC "FGREPRT"
#define PARTIAL_VERSION 1u
#define PARTIAL_HEAD (8 + 4 + 8 + 3 * 8 + 4)

struct forge_report_partial {
    const forge_policy *policy;
    const fg_program *prog;
    const fg_allocator *alloc;
    uint64_t fingerprint;
    fg_report_acc **accs; /* one per report */
    uint64_t rows_read, rows_evaluated, rows_in_error;
    bool broken; /* a merge ran out of memory half-way */
    char errmsg[256];
};

static forge_status fail(forge_report_partial *rp, forge_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rp->errmsg, sizeof rp->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

/* FNV-1a of the IR dump and the reports' shape; false when out of memory. */
static bool fingerprint(const fg_program *prog, const fg_allocator *alloc, uint64_t *out)
{
    fg_strbuf sb;
    fg_strbuf_init(&sb, alloc);
    fg_ir_dump(prog, &sb);
    for (uint32_t r = 0; r < prog->nreports; r++) {
        const fg_report *rep = &prog->reports[r];
        fg_strbuf_printf(&sb, "\nreport %s by", rep->name ? rep->name : "-");
        for (uint32_t k = 0; k < rep->nby; k++)
            fg_strbuf_printf(&sb, " %s:%d", rep->by_names[k], (int)rep->by_types[k]);
        for (uint32_t c = 0; c < rep->ncols; c++)
            fg_strbuf_printf(&sb, "\n  %s = %d(%d) slot %d", rep->cols[c].label,
                             (int)rep->cols[c].agg, (int)rep->cols[c].arg_type,
                             (int)rep->cols[c].slot);
    }
    bool ok = !sb.failed;
    *out = ok ? fg_wire_fnv(FG_WIRE_FNV_SEED, sb.data ? sb.data : "", sb.len) : 0;
    fg_strbuf_free(&sb);
    return ok;
}

static void free_accs(const fg_program *prog, const fg_allocator *alloc, fg_report_acc **accs)
{
    if (!accs)
        return;
    for (uint32_t i = 0; i < prog->nreports; i++)
        fg_report_acc_free(accs[i]);
    fg_free(alloc, accs);
}

/* Fresh, empty accumulators for every report of prog; NULL on OOM. */
static fg_report_acc **new_accs(const fg_program *prog, const fg_allocator *alloc)
{
    fg_report_acc **accs = fg_calloc(alloc, prog->nreports + 1, sizeof *accs);
    if (!accs)
        return NULL;
    for (uint32_t i = 0; i < prog->nreports; i++) {
        accs[i] = fg_report_acc_new(alloc, prog, i);
        if (!accs[i]) {
            free_accs(prog, alloc, accs);
            return NULL;
        }
    }
    return accs;
}

/* Merges scratch accumulators (of rp's program) into rp. Only running out
 * of memory makes a merge fail, half done: the partial is then broken and
 * every later call says so. */
static forge_status absorb(forge_report_partial *rp, fg_report_acc **from)
{
    for (uint32_t i = 0; i < rp->prog->nreports; i++)
        if (!fg_report_acc_merge(rp->accs[i], from[i])) {
            rp->broken = true;
            return fail(rp, FORGE_ENOMEM, "out of memory");
        }
    return FORGE_OK;
}

/* Clears the message; FORGE_ENOMEM when an earlier merge broke rp. */
static forge_status begin(forge_report_partial *rp)
{
    rp->errmsg[0] = '\0';
    if (rp->broken)
        return fail(rp, FORGE_ENOMEM, "out of memory in an earlier call: the partial is unusable");
    return FORGE_OK;
}

/* The opening of a call that reads or writes with run options: *sum
 * cleared (local when the caller gave none), rp usable, options given. */
static forge_status begin_run(forge_report_partial *rp, const forge_run_options *opt,
                              forge_summary **sum, forge_summary *local)
{
    if (!*sum)
        *sum = local;
    memset(*sum, 0, sizeof **sum);
    if (!rp)
        return FORGE_EUSAGE;
    forge_status st = begin(rp);
    if (st != FORGE_OK)
        return st;
    if (!opt)
        return fail(rp, FORGE_EUSAGE, "no run options given");
    return FORGE_OK;
}

/* rp's row counts into sum. */
static void put_counts(const forge_report_partial *rp, forge_summary *sum)
{
    sum->rows_read = rp->rows_read;
    sum->rows_evaluated = rp->rows_evaluated;
    sum->rows_in_error = rp->rows_in_error;
}

forge_status forge_report_partial_new(const forge_policy *p, forge_report_partial **out)
{
    if (!out)
        return FORGE_EUSAGE;
    *out = NULL;
    if (!p)
        return FORGE_EUSAGE;
    const fg_allocator *alloc = fg_policy_alloc(p);
    forge_report_partial *rp = fg_calloc(alloc, 1, sizeof *rp);
    if (!rp)
        return FORGE_ENOMEM;
    rp->policy = p;
    rp->prog = fg_policy_program(p);
    rp->alloc = alloc;
    rp->accs = new_accs(rp->prog, alloc);
    if (!rp->accs || !fingerprint(rp->prog, alloc, &rp->fingerprint)) {
        forge_report_partial_free(rp);
        return FORGE_ENOMEM;
    }
    *out = rp;
    return FORGE_OK;
}

void forge_report_partial_free(forge_report_partial *rp)
{
    if (!rp)
        return;
    free_accs(rp->prog, rp->alloc, rp->accs);
    fg_free(rp->alloc, rp);
}

const char *forge_report_partial_errmsg(const forge_report_partial *rp)
{
    return rp ? rp->errmsg : "";
}

forge_status forge_report_partial_add_columns(forge_report_partial *rp, forge_session *s,
                                              const forge_column *in, size_t nrows,
                                              const uint8_t *bad, size_t *nerrors)
{
    if (nerrors)
        *nerrors = 0;
    if (!rp)
        return FORGE_EUSAGE;
    forge_status bst = begin(rp);
    if (bst != FORGE_OK)
        return bst;
    if (!s)
        return fail(rp, FORGE_EUSAGE, "no session given");
    if (s->policy != rp->policy)
        return fail(rp, FORGE_EUSAGE, "the session was made for another policy");
    fg_report_acc **scratch = new_accs(rp->prog, rp->alloc);
    if (!scratch)
        return fail(rp, FORGE_ENOMEM, "out of memory");
    size_t nerr = 0;
    forge_status st = fg_session_eval_columns(s, in, nrows, NULL, NULL, &nerr, bad, scratch);
    if (st == FORGE_OK || st == FORGE_EROWS) {
        forge_status mst = absorb(rp, scratch);
        if (mst == FORGE_OK) {
            rp->rows_read += nrows;
            rp->rows_evaluated += nrows - nerr;
            rp->rows_in_error += nerr;
            if (nerrors)
                *nerrors = nerr;
        } else {
            st = mst;
        }
    } else {
        fail(rp, st, "%s", forge_session_errmsg(s));
    }
    free_accs(rp->prog, rp->alloc, scratch);
    return st;
}

forge_status forge_report_partial_add_csv(forge_report_partial *rp, const forge_run_options *opt,
                                          forge_summary *sum)
{
    forge_summary local;
    forge_status bst = begin_run(rp, opt, &sum, &local);
    if (bst != FORGE_OK)
        return bst;
    fg_report_acc **scratch = new_accs(rp->prog, rp->alloc);
    if (!scratch)
        return fail(rp, FORGE_ENOMEM, "out of memory");
    forge_status st = fg_api_report_into(rp->policy, opt, scratch, sum);
    if (st == FORGE_OK || st == FORGE_EROWS) {
        forge_status mst = absorb(rp, scratch);
        if (mst == FORGE_OK) {
            rp->rows_read += sum->rows_read;
            rp->rows_evaluated += sum->rows_evaluated;
            rp->rows_in_error += sum->rows_in_error;
        } else {
            st = mst;
            snprintf(sum->message, sizeof sum->message, "%s", rp->errmsg);
        }
    } else {
        fail(rp, st, "%s", sum->message);
    }
    free_accs(rp->prog, rp->alloc, scratch);
    return st;
}

/* The whole encoding of rp into sb; false when out of memory. */
static bool encode(const forge_report_partial *rp, fg_strbuf *sb)
{
    fg_strbuf_add(sb, PARTIAL_MAGIC, 8); /* with its NUL */
    fg_wire_u32(sb, PARTIAL_VERSION);
    fg_wire_u64(sb, rp->fingerprint);
    fg_wire_u64(sb, rp->rows_read);
    fg_wire_u64(sb, rp->rows_evaluated);
    fg_wire_u64(sb, rp->rows_in_error);
    fg_wire_u32(sb, rp->prog->nreports);
    for (uint32_t i = 0; i < rp->prog->nreports; i++)
        if (!fg_report_acc_encode(rp->accs[i], sb))
            return false;
    if (sb->failed)
        return false;
    fg_wire_u64(sb, fg_wire_fnv(FG_WIRE_FNV_SEED, sb->data, sb->len));
    return !sb->failed;
}

/* Decodes data into fresh accumulators and merges them into rp. */
static forge_status decode(forge_report_partial *rp, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (!p || len < PARTIAL_HEAD + 8 || memcmp(p, PARTIAL_MAGIC, 8) != 0)
        return fail(rp, FORGE_EIO, "not a forge partial report (%zu bytes)", len);
    fg_wire_in in = {p, len - 8, 8, false};
    uint32_t version = fg_wire_get_u32(&in);
    if (version != PARTIAL_VERSION)
        return fail(rp, FORGE_EMISMATCH,
                    "partial report format version %u; this library reads version %u", version,
                    PARTIAL_VERSION);
    fg_wire_in tail = {p, len, len - 8, false};
    if (fg_wire_get_u64(&tail) != fg_wire_fnv(FG_WIRE_FNV_SEED, p, len - 8))
        return fail(rp, FORGE_EIO, "the partial report is truncated or corrupt (bad checksum)");
    uint64_t fp = fg_wire_get_u64(&in);
    if (fp != rp->fingerprint)
        return fail(rp, FORGE_EMISMATCH,
                    "the partial report was made by another policy (fingerprint %016llx, "
                    "this policy's %016llx)",
                    (unsigned long long)fp, (unsigned long long)rp->fingerprint);
    uint64_t nread = fg_wire_get_u64(&in), neval = fg_wire_get_u64(&in);
    uint64_t nerr = fg_wire_get_u64(&in);
    uint32_t nrep = fg_wire_get_u32(&in);
    if (nrep != rp->prog->nreports || neval + nerr != nread || neval > nread)
        return fail(rp, FORGE_EIO, "the partial report is corrupt (counts)");
    fg_report_acc **scratch = new_accs(rp->prog, rp->alloc);
    if (!scratch)
        return fail(rp, FORGE_ENOMEM, "out of memory");
    forge_status st = FORGE_OK;
    for (uint32_t i = 0; i < nrep && st == FORGE_OK; i++) {
        fg_decode_status ds = fg_report_acc_decode(scratch[i], &in);
        if (ds == FG_DECODE_NOMEM)
            st = fail(rp, FORGE_ENOMEM, "out of memory");
        else if (ds == FG_DECODE_BAD)
            st = fail(rp, FORGE_EIO, "the partial report is corrupt (report %u)", i + 1);
    }
    if (st == FORGE_OK && in.off != in.len)
        st = fail(rp, FORGE_EIO, "the partial report is corrupt (%zu bytes left over)",
                  in.len - in.off);
    if (st == FORGE_OK)
        st = absorb(rp, scratch);
    if (st == FORGE_OK) {
        rp->rows_read += nread;
        rp->rows_evaluated += neval;
        rp->rows_in_error += nerr;
    }
    free_accs(rp->prog, rp->alloc, scratch);
    return st;
}

forge_status forge_report_partial_serialize(forge_report_partial *rp, forge_write_fn write,
                                            void *ud)
{
    if (!rp)
        return FORGE_EUSAGE;
    forge_status bst = begin(rp);
    if (bst != FORGE_OK)
        return bst;
    if (!write)
        return fail(rp, FORGE_EUSAGE, "no write function given");
    fg_strbuf sb;
    fg_strbuf_init(&sb, rp->alloc);
    forge_status st = FORGE_OK;
    if (!encode(rp, &sb))
        st = fail(rp, FORGE_ENOMEM, "out of memory");
    else if (write(ud, sb.data, sb.len) != 0)
        st = fail(rp, FORGE_EIO, "cannot write the partial report");
    fg_strbuf_free(&sb);
    return st;
}

forge_status forge_report_partial_deserialize(forge_report_partial *rp, const void *data,
                                              size_t len)
{
    if (!rp)
        return FORGE_EUSAGE;
    forge_status bst = begin(rp);
    if (bst != FORGE_OK)
        return bst;
    return decode(rp, data, len);
}

forge_status forge_report_partial_merge(forge_report_partial *into,
                                        const forge_report_partial *from)
{
    if (!into)
        return FORGE_EUSAGE;
    forge_status bst = begin(into);
    if (bst != FORGE_OK)
        return bst;
    if (!from)
        return fail(into, FORGE_EUSAGE, "no partial to merge given");
    if (from->fingerprint != into->fingerprint)
        return fail(into, FORGE_EMISMATCH, "the partial reports are of two different policies");
    if (from == into)
        return fail(into, FORGE_EUSAGE, "a partial report cannot be merged into itself");
    if (from->prog != into->prog) {
        /* another compilation of the same policy: through the bytes */
        fg_strbuf sb;
        fg_strbuf_init(&sb, into->alloc);
        forge_status st = encode(from, &sb) ? decode(into, sb.data, sb.len)
                                            : fail(into, FORGE_ENOMEM, "out of memory");
        fg_strbuf_free(&sb);
        return st;
    }
    forge_status st = absorb(into, from->accs);
    if (st == FORGE_OK) {
        into->rows_read += from->rows_read;
        into->rows_evaluated += from->rows_evaluated;
        into->rows_in_error += from->rows_in_error;
    }
    return st;
}

forge_status forge_report_partial_counts(const forge_report_partial *rp, forge_summary *sum)
{
    if (!rp || !sum)
        return FORGE_EUSAGE;
    memset(sum, 0, sizeof *sum);
    put_counts(rp, sum);
    return FORGE_OK;
}

forge_status forge_report_partial_write(forge_report_partial *rp, const forge_run_options *opt,
                                        forge_summary *sum)
{
    forge_summary local;
    forge_status bst = begin_run(rp, opt, &sum, &local);
    if (bst != FORGE_OK)
        return bst;
    forge_status st = fg_driver_write_reports(rp->alloc, rp->prog, rp->accs, opt, sum);
    put_counts(rp, sum);
    if (st != FORGE_OK)
        return fail(rp, st, "%s", sum->message);
    return rp->rows_in_error ? FORGE_EROWS : FORGE_OK;
}

size_t forge_struct_size(forge_struct_id id)
{
    switch (id) {
    case FORGE_STRUCT_DIAG:
        return sizeof(forge_diag);
    case FORGE_STRUCT_CONFIG:
        return sizeof(forge_config);
    case FORGE_STRUCT_RUN_OPTIONS:
        return sizeof(forge_run_options);
    case FORGE_STRUCT_SUMMARY:
        return sizeof(forge_summary);
    case FORGE_STRUCT_TEST_RESULT:
        return sizeof(forge_test_result);
    case FORGE_STRUCT_EXPLAIN_OPTIONS:
        return sizeof(forge_explain_options);
    case FORGE_STRUCT_COVERAGE:
        return sizeof(forge_coverage);
    case FORGE_STRUCT_DIFF_OPTIONS:
        return sizeof(forge_diff_options);
    case FORGE_STRUCT_DIFF_SUMMARY:
        return sizeof(forge_diff_summary);
    case FORGE_STRUCT_INPUT_INFO:
        return sizeof(forge_input_info);
    case FORGE_STRUCT_OUTPUT_INFO:
        return sizeof(forge_output_info);
    case FORGE_STRUCT_REPORT_INFO:
        return sizeof(forge_report_info);
    case FORGE_STRUCT_VALUE:
        return sizeof(forge_value);
    case FORGE_STRUCT_ROW_ERROR:
        return sizeof(forge_row_error);
    case FORGE_STRUCT_COLUMN:
        return sizeof(forge_column);
    case FORGE_STRUCT_OUT_COLUMN:
        return sizeof(forge_out_column);
    }
    return 0;
}
