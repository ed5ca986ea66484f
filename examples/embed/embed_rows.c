/* embed_rows.c — libforge from a host program: compile a policy (given as
 * a file, or the one below), build records with forge_row, evaluate them
 * one by one and print each decision, its failed rules or its row error.
 *
 *   embed_rows [interp|jit] [POLICY.fp]
 *
 * With a policy file, the records below must fit its inputs: this example
 * sets fields by name and reports the ones the policy does not have. */
#include <forge.h>

#include <stdio.h>
#include <string.h>

static const char POLICY[] = "policy \"permits\" version \"1.0\"\n"
                             "input {\n"
                             "  id        : str key\n"
                             "  employees : int\n"
                             "  dust      : num\n"
                             "  output_t  : num?\n"
                             "  certified : bool\n"
                             "}\n"
                             "rule safe_air: dust <= 30 else \"dust {dust} mg/m3 exceeds 30\"\n"
                             "rule quality: certified else \"no ISO 9001 certificate\"\n"
                             "decide status {\n"
                             "  when safe_air and quality => \"admitted\"\n"
                             "  when safe_air             => \"upgrade\"\n"
                             "  otherwise                 => \"exit\"\n"
                             "}\n"
                             "output status\n"
                             "output per_worker = round((output_t ?? 0) / employees, 1)\n"
                             "output reasons = failed()\n";

typedef struct firm {
    const char *id;
    long long employees;
    double dust;
    double output_t; /* < 0: not reported */
    int certified;
} firm;

static void print_diag(void *ud, const forge_diag *d)
{
    (void)ud;
    fputs(d->rendered, stderr);
}

int main(int argc, char **argv)
{
    forge_config cfg;
    forge_config_init(&cfg);
    cfg.on_diag = print_diag;
    cfg.engine = FORGE_ENGINE_INTERP;
    if (argc > 1 && strcmp(argv[1], "jit") == 0)
        cfg.engine = FORGE_ENGINE_JIT; /* machine code made once, here */
    forge_policy *p = NULL;
    forge_status st = argc > 2
                          ? forge_compile_file(&cfg, argv[2], &p)
                          : forge_compile_string(&cfg, "permits.fp", POLICY, strlen(POLICY), &p);
    if (st != FORGE_OK) {
        fprintf(stderr, "embed_rows: %s\n", forge_status_text(st));
        return 1;
    }
    printf("libforge %s, policy %s, engine %s\n", forge_version(),
           forge_policy_name(p) ? forge_policy_name(p) : "(unnamed)",
           forge_policy_engine(p) == FORGE_ENGINE_JIT ? "jit" : "interp");

    forge_session *s = NULL;
    forge_row *row = NULL;
    size_t status_out, reasons_out;
    if (forge_session_new(p, &s) != FORGE_OK || forge_row_new(p, &row) != FORGE_OK ||
        forge_policy_output_index(p, "status", &status_out) != FORGE_OK ||
        forge_policy_output_index(p, "reasons", &reasons_out) != FORGE_OK) {
        fprintf(stderr, "embed_rows: the policy needs outputs `status` and `reasons`\n");
        st = FORGE_EUSAGE;
        goto done;
    }
    static const firm firms[] = {
        {"F1", 420, 8.5, 10500, 1},
        {"F2", 35, 31.0, 2000, 1},
        {"F3", 80, 12.0, -1, 0},
        {"F4", 0, 10.0, 500, 1}, /* 500 / 0: a row error */
    };
    for (size_t i = 0; i < sizeof firms / sizeof firms[0]; i++) {
        const firm *f = &firms[i];
        forge_row_clear(row);
        forge_row_set_str_by_name(row, "id", f->id, (size_t)-1);
        forge_row_set_int_by_name(row, "employees", f->employees);
        forge_row_set_num_by_name(row, "dust", f->dust);
        if (f->output_t >= 0)
            forge_row_set_num_by_name(row, "output_t", f->output_t);
        if (forge_row_set_bool_by_name(row, "certified", f->certified) != FORGE_OK)
            fprintf(stderr, "embed_rows: %s\n", forge_row_errmsg(row));

        st = forge_eval_row(s, row);
        if (st == FORGE_EROWS) {
            forge_row_error e;
            forge_session_row_error(s, &e);
            printf("%s: error: %s\n", f->id, e.message);
            continue;
        }
        if (st != FORGE_OK) {
            fprintf(stderr, "embed_rows: %s\n", forge_session_errmsg(s));
            goto done;
        }
        const char *status, *reasons;
        double per_worker = 0;
        size_t pw;
        forge_session_output_str(s, status_out, &status, NULL, NULL);
        forge_session_output_str(s, reasons_out, &reasons, NULL, NULL);
        printf("%s: %s", f->id, status);
        if (forge_policy_output_index(p, "per_worker", &pw) == FORGE_OK &&
            forge_session_output_num(s, pw, &per_worker, NULL) == FORGE_OK)
            printf(" (%.1f t per worker)", per_worker);
        printf("%s%s\n", *reasons ? ": " : "", reasons);
    }
    st = FORGE_OK;
done:
    forge_row_free(row);
    forge_session_free(s);
    forge_policy_free(p);
    return st == FORGE_OK ? 0 : 1;
}
