/* difftest.c — differential tester of the Forge engines.
 *
 *   difftest [--seed N] [--count N] [--seconds S] [--keep DIR]
 *            [--engines interp,jit] [--verbose] [--keep-going]
 *   difftest --case SEED [--keep DIR]      one case, by its case seed
 *   difftest --replay DIR                  every DIR/<name>/{policy.fp,data.csv}
 *
 * Each case (gen.c) is compiled once and run through eval and report with
 * two engines and with the row interpreter, the reference of the vectorized
 * interpreter that `interp` runs (run.c); any difference in bytes, status or counts, a policy
 * that does not compile, or counts that do not add up is a failure: the case
 * is written to --keep DIR, minimised by delta debugging (drop records,
 * declarations, rows and items, replace expressions by a same-typed
 * sub-expression or a literal, while the same failure persists) and the
 * minimised case written too; the seed and a command to reproduce it are
 * printed, and the exit status is 1. Without the JIT in this build, the two
 * engines are both the interpreter. */
#include <dirent.h>
#include <errno.h>
#include <forge.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "rng.h"
#include "run.h"

typedef struct opts {
    uint64_t seed;
    long count;
    double seconds;
    const char *keep;
    forge_engine ea, eb;
    int verbose, keep_going, have_case;
    uint64_t case_seed;
    const char *replay;
    char datapath[300];
    char tmpdir[256];
} opts;

static char crash_msg[256];
static unsigned long long stat_read, stat_eval;

static void on_crash(int sig)
{
    ssize_t r = write(2, crash_msg, strlen(crash_msg));
    (void)r;
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Empties the JIT's code cache folder (XDG_CACHE_HOME is our scratch folder,
 * so the runs never touch the user's cache; the report run of a case loads
 * what its eval run stored, which exercises the cache too). */
static void clear_cache(const opts *o, int remove_dir)
{
    char dir[400], path[700];
    snprintf(dir, sizeof dir, "%s/forgec", o->tmpdir);
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    if (remove_dir)
        rmdir(dir);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mkdirs(const char *path)
{
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(tmp, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

static const char *engine_name(forge_engine e)
{
    return e == FORGE_ENGINE_JIT ? "jit" : e == FORGE_ENGINE_INTERP ? "interp" : "default";
}

/* Writes policy, data and both engines' results into dir. */
static void write_case(const opts *o, const char *dir, const char *pol, size_t pl, const char *data,
                       size_t dl, const dt_verdict *v)
{
    if (mkdirs(dir) != 0) {
        fprintf(stderr, "difftest: cannot create %s\n", dir);
        return;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/policy.fp", dir);
    dt_write_file(path, pol, pl);
    snprintf(path, sizeof path, "%s/data.csv", dir);
    dt_write_file(path, data, dl);
    snprintf(path, sizeof path, "%s/verdict.txt", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%s\n--- diagnostics\n%s", v->why, v->diags.p ? v->diags.p : "");
        fclose(f);
    }
    forge_engine eng[2] = {o->ea, o->eb};
    for (int e = 0; e < 2; e++) {
        snprintf(path, sizeof path, "%s/out-%c-%s.txt", dir, "ab"[e], engine_name(eng[e]));
        f = fopen(path, "w");
        if (!f)
            continue;
        dt_dump_one(f, "eval", &v->res[e][0]);
        dt_dump_one(f, "report", &v->res[e][1]);
        fclose(f);
    }
}

/* ---------------- minimiser ---------------- */

typedef struct mctx {
    const opts *o;
    dt_case *c;
    int kind;
    char first_err[512];
    int checks, max_checks;
    double deadline;
} mctx;

/* Does the case, as it now renders, fail the same way? */
static int same_failure(mctx *m)
{
    if (m->checks >= m->max_checks || now() > m->deadline)
        return 0;
    m->checks++;
    size_t pl, dl;
    char *pol = dt_render_policy(m->c, &pl), *data = dt_render_data(m->c, &dl);
    dt_verdict v;
    int k = dt_check(pol, pl, data, dl, m->o->datapath, m->o->ea, m->o->eb,
                     (forge_format)m->c->format, &v);
    clear_cache(m->o, 0);
    int same = k == m->kind && (k != DT_COMPILE || strcmp(v.first_err, m->first_err) == 0);
    dt_verdict_free(&v);
    free(pol);
    free(data);
    return same;
}

static void collect(dt_node *n, dt_node ***list, int *nl, int *cap)
{
    while (n->repl)
        n = n->repl;
    if (n->dropped)
        return;
    if (*nl == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        *list = realloc(*list, sizeof(dt_node *) * (size_t)*cap);
        if (!*list)
            abort();
    }
    (*list)[(*nl)++] = n;
    for (int i = 0; i < n->nkids; i++)
        collect(n->kids[i], list, nl, cap);
}

static const char *simple_literal(int type)
{
    switch (type) {
    case DT_INT:
        return "1";
    case DT_NUM:
        return "1.5";
    case DT_BOOL:
        return "true";
    case DT_STR:
        return "\"s\"";
    default:
        return NULL;
    }
}

static int shrink_records(mctx *m)
{
    dt_case *c = m->c;
    int progress = 0;
    for (int chunk = c->nrecs / 2; chunk >= 1; chunk /= 2)
        for (int start = 0; start < c->nrecs; start += chunk) {
            int any = 0;
            for (int i = start; i < start + chunk && i < c->nrecs; i++)
                if (!c->rec_dropped[i]) {
                    c->rec_dropped[i] = 2;
                    any = 1;
                }
            if (!any)
                continue;
            int ok = same_failure(m);
            for (int i = start; i < start + chunk && i < c->nrecs; i++)
                if (c->rec_dropped[i] == 2)
                    c->rec_dropped[i] = ok ? 1 : 0;
            progress |= ok;
        }
    return progress;
}

static int shrink_nodes(mctx *m)
{
    dt_node **list = NULL;
    int nl = 0, cap = 0, progress = 0;
    collect(m->c->policy, &list, &nl, &cap);
    for (int i = 0; i < nl; i++) {
        dt_node *n = list[i];
        if (n->repl || n->dropped)
            continue;
        if (n->droppable) {
            n->dropped = 1;
            if (same_failure(m)) {
                progress = 1;
                continue;
            }
            n->dropped = 0;
        }
        if (n->type == DT_NONE)
            continue;
        int done = 0;
        for (int k = 0; k < n->nkids && !done; k++) {
            dt_node *kid = n->kids[k];
            if (kid->type != n->type)
                continue;
            n->repl = kid;
            if (same_failure(m))
                done = progress = 1;
            else
                n->repl = NULL;
        }
        const char *lit = simple_literal(n->type);
        if (!done && lit && strcmp(n->tmpl, lit) != 0) {
            n->repl = dt_case_leaf(m->c, n->type, lit);
            if (same_failure(m))
                progress = 1;
            else
                n->repl = NULL;
        }
    }
    free(list);
    return progress;
}

static void minimise(mctx *m)
{
    for (int pass = 0; pass < 6; pass++) {
        int p = shrink_records(m);
        p |= shrink_nodes(m);
        if (!p)
            break;
    }
}

/* ---------------- driver ---------------- */

static int run_case(opts *o, uint64_t cs, long idx)
{
    dt_case c;
    dt_gen_case(cs, &c);
    size_t pl, dl;
    char *pol = dt_render_policy(&c, &pl), *data = dt_render_data(&c, &dl);
    snprintf(crash_msg, sizeof crash_msg,
             "\ndifftest: crashed in case %ld (case seed 0x%016llx); reproduce: difftest --case "
             "0x%016llx --keep /tmp/difftest-keep\n",
             idx, (unsigned long long)cs, (unsigned long long)cs);
    if (o->verbose)
        fprintf(stderr, "case %ld seed 0x%016llx: %zu bytes of policy, %d records\n", idx,
                (unsigned long long)cs, pl, c.nrecs);
    dt_verdict v;
    int k = dt_check(pol, pl, data, dl, o->datapath, o->ea, o->eb, (forge_format)c.format, &v);
    clear_cache(o, 0);
    if (k == DT_OK) {
        stat_read += v.res[0][0].sum.rows_read;
        stat_eval += v.res[0][0].sum.rows_evaluated;
        dt_verdict_free(&v);
        free(pol);
        free(data);
        dt_case_free(&c);
        return 0;
    }
    fprintf(stderr, "difftest: FAIL case %ld (case seed 0x%016llx): %s\n", idx,
            (unsigned long long)cs, v.why);
    if (k == DT_COMPILE)
        fprintf(stderr, "%s", v.diags.p);
    if (o->keep) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/case-%016llx", o->keep, (unsigned long long)cs);
        write_case(o, dir, pol, pl, data, dl, &v);
        mctx m = {
            .o = o, .c = &c, .kind = k, .checks = 0, .max_checks = 20000, .deadline = now() + 60};
        snprintf(m.first_err, sizeof m.first_err, "%s", v.first_err);
        minimise(&m);
        size_t mpl, mdl;
        char *mpol = dt_render_policy(&c, &mpl), *mdata = dt_render_data(&c, &mdl);
        dt_verdict mv;
        dt_check(mpol, mpl, mdata, mdl, o->datapath, o->ea, o->eb, (forge_format)c.format, &mv);
        snprintf(dir, sizeof dir, "%s/case-%016llx/min", o->keep, (unsigned long long)cs);
        write_case(o, dir, mpol, mpl, mdata, mdl, &mv);
        fprintf(stderr, "difftest: minimised in %d checks (%zu -> %zu policy bytes): %s\n",
                m.checks, pl, mpl, dir);
        if (o->verbose)
            fprintf(stderr, "--- minimised policy\n%s--- minimised data\n%s---\n", mpol, mdata);
        dt_verdict_free(&mv);
        free(mpol);
        free(mdata);
    }
    fprintf(stderr, "difftest: reproduce with: difftest --case 0x%016llx --engines %s,%s%s%s\n",
            (unsigned long long)cs, engine_name(o->ea), engine_name(o->eb),
            o->keep ? " --keep " : "", o->keep ? o->keep : "");
    dt_verdict_free(&v);
    free(pol);
    free(data);
    dt_case_free(&c);
    return 1;
}

static int replay(opts *o)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -1 '%s' 2>/dev/null", o->replay);
    FILE *ls = popen(cmd, "r");
    if (!ls) {
        fprintf(stderr, "difftest: cannot list %s\n", o->replay);
        return 2;
    }
    char name[256];
    int n = 0, bad = 0;
    while (fgets(name, sizeof name, ls)) {
        name[strcspn(name, "\n")] = 0;
        char pp[800], dp[800];
        snprintf(pp, sizeof pp, "%s/%s/policy.fp", o->replay, name);
        snprintf(dp, sizeof dp, "%s/%s/data.csv", o->replay, name);
        size_t pl, dl;
        char *pol = dt_read_file(pp, &pl), *data = dt_read_file(dp, &dl);
        if (!pol || !data) {
            free(pol);
            free(data);
            continue;
        }
        n++;
        dt_verdict v;
        int k = dt_check(pol, pl, data, dl, o->datapath, o->ea, o->eb, FORGE_FORMAT_CSV, &v);
        clear_cache(o, 0);
        if (k != DT_OK) {
            bad++;
            fprintf(stderr, "difftest: FAIL regress/%s: %s\n", name, v.why);
            if (k == DT_COMPILE)
                fprintf(stderr, "%s", v.diags.p);
        } else if (o->verbose) {
            fprintf(stderr, "regress/%s: ok\n", name);
        }
        dt_verdict_free(&v);
        free(pol);
        free(data);
    }
    pclose(ls);
    printf("difftest: replayed %d regress cases (%s vs %s), %d failed\n", n, engine_name(o->ea),
           engine_name(o->eb), bad);
    return bad ? 1 : 0;
}

static int parse_engines(const char *s, opts *o)
{
    char a[32], b[32];
    if (sscanf(s, "%31[a-z],%31[a-z]", a, b) != 2)
        return -1;
    const char *v[2] = {a, b};
    forge_engine *out[2] = {&o->ea, &o->eb};
    for (int i = 0; i < 2; i++) {
        if (strcmp(v[i], "interp") == 0)
            *out[i] = FORGE_ENGINE_INTERP;
        else if (strcmp(v[i], "jit") == 0)
            *out[i] = FORGE_ENGINE_JIT;
        else
            return -1;
    }
    return 0;
}

static void usage(void)
{
    fputs("usage: difftest [--seed N] [--count N] [--seconds S] [--keep DIR]\n"
          "                [--engines interp,jit] [--verbose] [--keep-going]\n"
          "       difftest --case SEED [--keep DIR] [--engines A,B]\n"
          "       difftest --replay DIR [--engines A,B]\n",
          stderr);
}

int main(int argc, char **argv)
{
    opts o;
    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.count = 1000;
    o.seconds = 0;
    int engines_given = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--verbose") == 0)
            o.verbose = 1;
        else if (strcmp(a, "--keep-going") == 0)
            o.keep_going = 1;
        else if (val && strcmp(a, "--seed") == 0 && ++i)
            o.seed = strtoull(val, NULL, 0);
        else if (val && strcmp(a, "--count") == 0 && ++i)
            o.count = strtol(val, NULL, 0);
        else if (val && strcmp(a, "--seconds") == 0 && ++i)
            o.seconds = strtod(val, NULL);
        else if (val && strcmp(a, "--keep") == 0 && ++i)
            o.keep = val;
        else if (val && strcmp(a, "--case") == 0 && ++i) {
            o.have_case = 1;
            o.case_seed = strtoull(val, NULL, 0);
        } else if (val && strcmp(a, "--replay") == 0 && ++i)
            o.replay = val;
        else if (val && strcmp(a, "--engines") == 0 && ++i) {
            if (parse_engines(val, &o) != 0) {
                usage();
                return 2;
            }
            engines_given = 1;
        } else {
            usage();
            return 2;
        }
    }
    snprintf(o.tmpdir, sizeof o.tmpdir, "/tmp/difftest.XXXXXX");
    if (!mkdtemp(o.tmpdir)) {
        fprintf(stderr, "difftest: cannot create a temporary folder\n");
        return 2;
    }
    snprintf(o.datapath, sizeof o.datapath, "%s/data.csv", o.tmpdir);
    setenv("XDG_CACHE_HOME", o.tmpdir, 1);
    int jit = dt_jit_available(o.datapath);
    if (!engines_given) {
        o.ea = FORGE_ENGINE_INTERP;
        o.eb = jit ? FORGE_ENGINE_JIT : FORGE_ENGINE_INTERP;
    }
    if (!jit) {
        fprintf(stderr, "difftest: the JIT engine is not available in this build: comparing "
                        "the interpreter with itself\n");
        if (o.ea == FORGE_ENGINE_JIT)
            o.ea = FORGE_ENGINE_INTERP;
        if (o.eb == FORGE_ENGINE_JIT)
            o.eb = FORGE_ENGINE_INTERP;
    }
    signal(SIGSEGV, on_crash);
    signal(SIGABRT, on_crash);
    signal(SIGFPE, on_crash);
    signal(SIGBUS, on_crash);
    int rc = 0;
    if (o.replay) {
        rc = replay(&o);
    } else if (o.have_case) {
        rc = run_case(&o, o.case_seed, 0);
        if (!rc && o.keep) { /* write the case anyway, for inspection */
            dt_case c;
            dt_gen_case(o.case_seed, &c);
            size_t pl, dl;
            char *pol = dt_render_policy(&c, &pl), *data = dt_render_data(&c, &dl);
            dt_verdict v;
            dt_check(pol, pl, data, dl, o.datapath, o.ea, o.eb, (forge_format)c.format, &v);
            char dir[400];
            snprintf(dir, sizeof dir, "%s/case-%016llx", o.keep, (unsigned long long)o.case_seed);
            write_case(&o, dir, pol, pl, data, dl, &v);
            fprintf(stderr, "difftest: case passes; written to %s\n", dir);
            dt_verdict_free(&v);
            free(pol);
            free(data);
            dt_case_free(&c);
        }
    } else {
        double t0 = now();
        uint64_t sm = o.seed;
        long i, failures = 0;
        for (i = 0; i < o.count; i++) {
            if (o.seconds > 0 && now() - t0 > o.seconds) {
                printf("difftest: time limit of %g s reached\n", o.seconds);
                break;
            }
            uint64_t cs = dt_splitmix64(&sm);
            if (run_case(&o, cs, i)) {
                failures++;
                if (!o.keep_going) {
                    i++;
                    break;
                }
            }
        }
        double dt = now() - t0;
        printf("difftest: %ld cases (%s vs %s, seed %llu) in %.1f s (%.0f cases/s), %ld failed\n",
               i, engine_name(o.ea), engine_name(o.eb), (unsigned long long)o.seed, dt,
               dt > 0 ? (double)i / dt : 0.0, failures);
        printf("difftest: %llu rows read, %llu evaluated (%.0f%%)\n", stat_read, stat_eval,
               stat_read ? 100.0 * (double)stat_eval / (double)stat_read : 0.0);
        rc = failures ? 1 : 0;
    }
    clear_cache(&o, 1);
    unlink(o.datapath);
    rmdir(o.tmpdir);
    return rc;
}
