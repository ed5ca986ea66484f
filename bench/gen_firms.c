/* gen_firms.c — deterministic generator of realistic firm data for the
 * benchmark (bench/run.sh). `gen_firms --rows N --seed S > firms.csv`
 * writes a header and N rows with the columns the SPEC's example policy
 * reads (id, region, capacity_t, output_t, employees, "Dust (mg/m3)",
 * accidents_3y, export_share, rd_spend, iso9001) interleaved with columns
 * it does not read (name, sector_code, address, phone, founded, notes). About 30%
 * of rows carry a quoted text field with commas and doubled quotes, ~5% of
 * the optional columns (output_t, export_share) are empty, and number text
 * is sometimes untidy (`5136.0`, `0.30`, `1e4`, `2.5e5`). Every row is valid
 * for the policy (no row errors), so every peer must produce the same bytes.
 * No field holds a line break, so a row is one physical line (the awk and
 * split-by-newline yardsticks rely on it). Same N and S give the same bytes
 * on every platform: the generator uses its own 64-bit PRNG and integer
 * arithmetic only, never the C library's rand or floating-point printing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast, well distributed, fully deterministic. */
static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform integer in [lo, hi]. */
static long rng_range(long lo, long hi)
{
    return lo + (long)(rng_next() % (uint64_t)(hi - lo + 1));
}

/* True with probability pct/1000. */
static int rng_permille(int pm)
{
    return (int)(rng_next() % 1000) < pm;
}

#define PICK(arr) (arr[rng_next() % (sizeof(arr) / sizeof(arr[0]))])

static const char *const cities[] = {"Jiangyin",  "Taiyuan",  "Luoyang", "Guangzhou", "Wuxi",
                                     "Changzhou", "Shenyang", "Dalian",  "Baotou",    "Wuhan",
                                     "Chongqing", "Chengdu",  "Xi'an",   "Jinan",     "Qingdao",
                                     "Harbin",    "Tianjin",  "Zhuzhou", "Ningbo",    "Foshan"};
static const char *const products[] = {
    "Heavy Forging", "Axle Works", "Precision Forgings", "Ring & Flange", "Crankshaft",
    "Die Forging",   "Gear Blank", "Open Die Works",     "Hot Stamping",  "Valve Body Forge"};
static const char *const streets[] = {"Binhe Road",    "Industrial Ave", "Gongye Road",
                                      "Changjiang Rd", "Xinhua St",      "Zone B Lane"};
static const char *const sectors[] = {"C3311", "C3312", "C3391", "C3452", "C3670", "C3714"};
static const char *const bools_true[] = {"true", "true", "true", "TRUE", "yes", "1", "True"};
static const char *const bools_false[] = {"false", "false", "FALSE", "no", "0", "No"};
static const char *const plain_notes[] = {"state-owned", "joint venture", "family firm", "listed",
                                          "new press line"};

/* Regions with weights (per mille, cumulative): east, central, north, west,
 * south, northeast, southwest. */
static const char *region_pick(void)
{
    int r = (int)(rng_next() % 1000);
    if (r < 250)
        return "east";
    if (r < 400)
        return "central";
    if (r < 550)
        return "north";
    if (r < 700)
        return "west";
    if (r < 900)
        return "south";
    if (r < 950)
        return "northeast";
    return "southwest";
}

/* Prints a decimal fixed-point value v / 10^dec with exactly dec decimals
 * (so `0.30`, `12.50` happen) — integer arithmetic only. */
static void put_fixed(long v, int dec)
{
    long p = 1;
    for (int i = 0; i < dec; i++)
        p *= 10;
    if (dec == 0)
        printf("%ld", v);
    else
        printf("%ld.%0*ld", v / p, dec, v % p);
}

/* A number given in hundredths, written tidily (shortest plain form),
 * or now and then with a trailing `.0`/`0` or in exponent form when exact. */
static void put_num_cents(long cents, int allow_exp)
{
    int r = (int)(rng_next() % 100);
    if (cents % 100 == 0) {
        long whole = cents / 100;
        if (r < 4) {
            printf("%ld.0", whole);
            return;
        }
        if (allow_exp && r < 10 && whole >= 1000 && whole % 1000 == 0) {
            /* 10000 -> 1e4, 250000 -> 2.5e5 */
            int e = 0;
            long m = whole;
            while (m % 10 == 0) {
                m /= 10;
                e++;
            }
            long digits = 1, t = m;
            while (t >= 10) {
                t /= 10;
                digits *= 10;
            }
            if (m < 10)
                printf("%lde%d", m, e);
            else {
                /* m = d.ddd * digits */
                int extra = 0;
                for (long d = digits; d > 1; d /= 10)
                    extra++;
                printf("%ld.%0*lde%d", m / digits, extra, m % digits, e + extra);
            }
            return;
        }
        printf("%ld", whole);
        return;
    }
    if (cents % 10 == 0 && r >= 5)
        put_fixed(cents / 10, 1);
    else
        put_fixed(cents, 2);
}

/* A free-text name: plain, or quoted with a comma (`Co., Ltd.`). */
static void put_name(int quoted)
{
    const char *city = PICK(cities), *prod = PICK(products);
    if (quoted)
        printf("\"%s %s Co., Ltd.\"", city, prod);
    else
        printf("%s %s", city, prod);
}

static void put_address(int quoted)
{
    long no = rng_range(1, 999);
    if (quoted)
        printf("\"No. %ld %s, %s\"", no, PICK(streets), PICK(cities));
    else
        printf("%ld %s %s", no, PICK(streets), PICK(cities));
}

static void put_notes(int quoted)
{
    if (quoted) {
        static const char *const q[] = {"\"rated \"\"A\"\" supplier, since %ld\"",
                                        "\"plans a second press, %ld\"",
                                        "\"merger talks with \"\"%s\"\", pending\""};
        int k = (int)(rng_next() % 3);
        if (k == 2)
            printf(q[k], PICK(cities));
        else
            printf(q[k], rng_range(2005, 2024));
        return;
    }
    if (rng_permille(400))
        fputs(PICK(plain_notes), stdout);
}

static void put_row(long i)
{
    /* Which text field (if any) is quoted in this row: ~30% of rows. */
    int quoted = (int)(rng_next() % 1000);
    int q_name = quoted < 120, q_addr = quoted >= 120 && quoted < 220,
        q_notes = quoted >= 220 && quoted < 300;
    const char *region = region_pick();

    /* capacity: mostly 3000..20000 t, some large. */
    long cap = rng_permille(100) ? rng_range(20000, 60000) : rng_range(3000, 20000);
    long cap_cents = cap * 100;
    if (rng_permille(150))
        cap_cents += rng_range(1, 99);
    /* output: 55..100% of capacity, in tenths of a tonne */
    long out_cents = cap_cents / 100 * rng_range(550, 1000) / 1000 * 100;
    if (rng_permille(200))
        out_cents += rng_range(1, 9) * 10;
    long employees = rng_permille(5) ? 0 : rng_range(12, 1800);
    /* dust in hundredths of mg/m3: ~12% above 30 */
    long dust = rng_permille(120) ? rng_range(3001, 6000) : rng_range(50, 3000);
    long accidents = rng_permille(900) ? 0 : rng_range(1, 4);
    long export_pct = rng_permille(300) ? 0 : rng_range(1, 95);
    if (rng_permille(30))
        export_pct = rng_permille(500) ? 30 : 50; /* band edges */
    /* R&D spend in cents: 0, small, typical, rarely above the cap's reach */
    long rd;
    int r = (int)(rng_next() % 1000);
    if (r < 50)
        rd = 0;
    else if (r < 990)
        rd = rng_range(1000, 3000000) * 100;
    else
        rd = rng_range(10000000, 20000000) * 100;
    if (rd > 0 && rng_permille(500))
        rd += rng_range(1, 99);
    if (rd > 0 && rng_permille(80))
        rd = rd / 1000000 * 1000000; /* round thousands, for `1e4`-style text */
    int iso = rng_permille(820);

    printf("F%08ld,", i + 1);
    put_name(q_name);
    printf(",%s,%s,", PICK(sectors), region);
    put_address(q_addr);
    printf(",+86 %03ld %04ld %04ld,", rng_range(10, 999), rng_range(1000, 9999),
           rng_range(0, 9999));
    put_num_cents(cap_cents, 0);
    putchar(',');
    if (!rng_permille(50))
        put_num_cents(out_cents, 0);
    printf(",%ld,", employees);
    if (rng_permille(80))
        put_fixed(dust, 2); /* `12.50` */
    else
        put_num_cents(dust, 0);
    printf(",%ld,", accidents);
    if (!rng_permille(50)) {
        if (export_pct == 0)
            fputs(rng_permille(500) ? "0" : "0.0", stdout);
        else if (export_pct % 10 == 0 && rng_permille(500))
            printf("0.%02ld", export_pct); /* `0.30` */
        else if (export_pct % 10 == 0)
            printf("0.%ld", export_pct / 10);
        else
            printf("0.%02ld", export_pct);
    }
    putchar(',');
    put_num_cents(rd, 1);
    printf(",%s,%ld,", iso ? PICK(bools_true) : PICK(bools_false), rng_range(1952, 2021));
    put_notes(q_notes);
    putchar('\n');
}

static void usage(void)
{
    fputs("usage: gen_firms --rows N [--seed S] > firms.csv\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    long rows = -1;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else
            usage();
    }
    if (rows < 0)
        usage();
    static char obuf[1 << 20];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    rng_state = seed * 0x2545F4914F6CDD1Dull + 1;
    fputs("id,name,sector_code,region,address,phone,capacity_t,output_t,employees,Dust (mg/m3),"
          "accidents_3y,export_share,rd_spend,iso9001,founded,notes\n",
          stdout);
    for (long i = 0; i < rows; i++)
        put_row(i);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        perror("gen_firms");
        return 1;
    }
    return 0;
}
