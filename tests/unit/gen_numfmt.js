// gen_numfmt.js — prints the C table of tricky doubles for test_format.c:
// { bits of the double as hex, String(x) as ECMAScript writes it }.
// Run: node tests/unit/gen_numfmt.js > table.inc (fixed seed, so stable).
'use strict';
const vals = [];
const add = (x) => vals.push(x);
[0, -0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 0.3, 1 / 3, 2 / 3, 100000, 123456789012345680000, 1.5e-7,
 1e21, 1e-7, 1e-6, 999999999999999900000, 1e21 - 65536, 1.2345e-6, 0.000001, 0.0000012,
 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2.2250738585072014e-308,
 2.225073858507201e-308, Number.EPSILON, 9007199254740991, 9007199254740992,
 9007199254740993, 9007199254740994, 18014398509481984, 18014398509481988, 2 ** 63, 2 ** 64,
 -(2 ** 63), 1e15, 1e16, 1e17, 1e20, 1.5, 2.5, 0.5, 0.25, 0.125, 123.456, -123.456, 1e100,
 1e-100, 1e308, 1e-308, 1e-323, 4.9406564584124654e-324, 1.7976931348623157e308,
 0.1 * 3, 1.1 * 1.1, 3.14159, Math.PI, Math.E, Math.SQRT2, 2.675, 0.145, 1.005, 1234.5678,
 99.99, 0.07, 0.7, 7e-7, 7e-6, 1e22, 1e23, 5e22, 9.5367431640625e-7, 4.35, 8.41, 0.000123,
 1234567890123456789, 12345678901234567890, 123e18, 0.0001, 0.00001, 1e-5, 1e-4,
].forEach(add);
for (let e = -30; e <= 30; e++) { add(Number('1e' + e)); add(Number('-3e' + e)); add(Number('1.7e' + e)); }
for (let e = 300; e <= 308; e++) add(Number('1e' + e));
for (let e = -324; e <= -300; e += 2) add(Number('1e' + e));
for (let p = -1074; p <= 1023; p += 37) { add(2 ** p); add(-(2 ** p) * 3); }
for (let p = 50; p <= 70; p++) { add(2 ** p); add(2 ** p - 1); add(2 ** p + 1); }
// Powers of two with asymmetric rounding intervals.
for (const p of [-1022, -1021, -1000, -100, -10, 10, 54, 60, 100, 500, 1000, 1023]) add(2 ** p);
// Random doubles from a fixed seed (xorshift64*), over all exponents and in [0, 1e6).
let s = 0x9E3779B97F4A7C15n;
const M = (1n << 64n) - 1n;
const next = () => {
  s ^= s >> 12n; s ^= (s << 25n) & M; s ^= s >> 27n;
  return (s * 0x2545F4914F6CDD1Dn) & M;
};
const buf = new DataView(new ArrayBuffer(8));
for (let i = 0; i < 200; i++) {
  buf.setBigUint64(0, next());
  const x = buf.getFloat64(0);
  if (Number.isFinite(x)) add(x);
}
for (let i = 0; i < 100; i++) {
  const r = Number(next() >> 11n) / 2 ** 53;
  add(r * 1e6); add(Math.round(r * 1e6) / 100); add(r * 1e-5);
}
const seen = new Set();
for (const x of vals) {
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0).toString(16).padStart(16, '0');
  if (seen.has(bits)) continue;
  seen.add(bits);
  console.log(`    {0x${bits}u, "${String(x)}"},`);
}
