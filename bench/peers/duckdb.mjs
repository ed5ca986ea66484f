// duckdb.mjs — the SPEC's example policy (bench/policy.fp) as one DuckDB
// statement, a peer for bench/run.sh:
//   node duckdb.mjs firms.csv out.csv [THREADS]
// runs `COPY (SELECT ... CASE ...) TO 'out.csv'` through @duckdb/node-api
// (installed by run.sh into bench/node_modules) with THREADS threads (default:
// DuckDB's own, all cores). The output bytes equal `forgec eval
// bench/policy.fp firms.csv`: numbers are turned into text in SQL by the
// js_num macro (ECMAScript Number::toString): DuckDB's DOUBLE -> VARCHAR cast
// already gives the shortest round-trip digits, so only the layout is fixed:
// integral values lose the `.0` (cast through HUGEINT), and exponent forms
// (DuckDB: |x| < 1e-4 or >= 1e16, `1.5e-07`) are re-laid out for ECMAScript's
// range (plain for -6 < n <= 21, `1.5e-7`, `1e+21`). Empty reasons are
// written as NULL, which DuckDB's CSV writer prints as an empty cell (an
// empty string would be written `""`).
import { openSync, readSync, closeSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [data, out, threads] = process.argv.slice(2);
if (!data || !out) {
  console.error('usage: node duckdb.mjs DATA.csv OUT.csv [THREADS]');
  process.exit(2);
}

// Column types: DOUBLE/BIGINT for the cells the policy converts, VARCHAR for
// everything else (the header is read here so the file layout is not fixed).
function headerColumns(path) {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(65536);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  let line = buf.subarray(0, n).toString('utf8').split('\n')[0].replace(/\r$/, '').replace(/^\uFEFF/, '');
  const names = [];
  // header fields: quote-aware split
  const re = /("(?:[^"]|"")*"|[^,]*)(,|$)/g;
  let m;
  while ((m = re.exec(line)) !== null) {
    let f = m[1];
    if (f.startsWith('"')) f = f.slice(1, -1).replace(/""/g, '"');
    names.push(f);
    if (m[2] === '') break;
  }
  const types = {
    capacity_t: 'DOUBLE', output_t: 'DOUBLE', employees: 'BIGINT', 'Dust (mg/m3)': 'DOUBLE',
    accidents_3y: 'BIGINT', export_share: 'DOUBLE', rd_spend: 'DOUBLE',
  };
  const q = (s) => "'" + s.replace(/'/g, "''") + "'";
  return '{' + names.map((c) => `${q(c)}: ${q(types[c] || 'VARCHAR')}`).join(', ') + '}';
}

const lit = (s) => "'" + s.replace(/'/g, "''") + "'";

const JS_NUM = `
-- s: DuckDB's exponent text of a positive double, "d[.ddd]e[+-]XX", d: its digits
-- without trailing zeros, n: ECMAScript's exponent (value = 0.d * 10^n).
CREATE MACRO js_d(s) AS rtrim(replace(split_part(s, 'e', 1), '.', ''), '0');
CREATE MACRO js_n(s) AS CAST(split_part(s, 'e', 2) AS INTEGER) + 1;
CREATE MACRO js_exp(s, neg) AS CASE
  WHEN js_n(s) > -6 AND js_n(s) <= 0 THEN neg || '0.' || repeat('0', -js_n(s)) || js_d(s)
  ELSE neg || js_d(s)[1] || CASE WHEN length(js_d(s)) > 1 THEN '.' || js_d(s)[2:] ELSE '' END
       || 'e' || CASE WHEN js_n(s) - 1 < 0 THEN '-' ELSE '+' END
       || CAST(abs(js_n(s) - 1) AS VARCHAR)
END;
CREATE MACRO js_num(x) AS CASE
  WHEN x = 0 THEN '0'
  WHEN x = trunc(x) AND abs(x) < 1e21 THEN CAST(CAST(x AS HUGEINT) AS VARCHAR)
  WHEN abs(x) >= 1e-4 AND abs(x) < 1e16 THEN CAST(x AS VARCHAR)
  ELSE js_exp(CAST(abs(x) AS VARCHAR), CASE WHEN x < 0 THEN '-' ELSE '' END)
END;`;

const SQL = (cols) => `
COPY (
  WITH f AS (
    SELECT id, region, capacity_t, coalesce(output_t, 0) AS output_t, employees,
           "Dust (mg/m3)" AS dust, accidents_3y, coalesce(export_share, 0) AS export_share,
           rd_spend, lower(iso9001) IN ('true', 'yes', '1') AS iso,
           CASE region WHEN 'east' THEN 8000::DOUBLE
                       WHEN 'central' THEN 6000::DOUBLE WHEN 'north' THEN 6000::DOUBLE
                       ELSE 5000::DOUBLE END AS mincap
    FROM read_csv(${lit(data)}, header = true, delim = ',', quote = '"', escape = '"',
                  auto_detect = false, columns = ${cols})
  ), r AS (
    SELECT *, capacity_t >= mincap AS scale, dust <= 30 AS environment,
           accidents_3y = 0 AS safety
    FROM f
  ), s AS (
    SELECT *, CASE WHEN scale AND environment AND safety AND iso THEN 'admitted'
                   WHEN environment AND safety THEN 'upgrade'
                   ELSE 'exit' END AS status
    FROM r
  )
  SELECT id, status,
         js_num(CASE WHEN status = 'admitted'
                     THEN least(CASE WHEN region = 'west' THEN 0.20::DOUBLE
                                     WHEN export_share >= 0.5::DOUBLE THEN 0.15::DOUBLE
                                     WHEN export_share BETWEEN 0.3::DOUBLE AND 0.5::DOUBLE
                                          THEN 0.10::DOUBLE
                                     ELSE 0::DOUBLE END * rd_spend, 2000000::DOUBLE)
                     ELSE 0::DOUBLE END) AS tax_relief,
         nullif(concat_ws('; ',
           CASE WHEN NOT scale THEN 'capacity ' || js_num(capacity_t)
                || ' t is below the regional minimum ' || js_num(mincap) || ' t' END,
           CASE WHEN NOT environment THEN 'dust ' || js_num(dust) || ' mg/m3 exceeds 30' END,
           CASE WHEN NOT safety THEN CAST(accidents_3y AS VARCHAR) || ' serious accidents in 3 years' END,
           CASE WHEN NOT iso THEN 'no ISO 9001 certificate' END), '') AS reasons
  FROM s
) TO ${lit(out)} (FORMAT csv, HEADER true, DELIMITER ',')`;

const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
if (threads) await con.run(`SET threads = ${Number(threads)}`);
for (const stmt of JS_NUM.split(';').map((s) => s.trim()).filter(Boolean)) await con.run(stmt);
await con.run(SQL(headerColumns(data)));
