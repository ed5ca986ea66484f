# 267: failed() joins the messages of the failed rules however they were
# made: an empty message, a default one, interpolated int, num and bool
# values, with a string built between two rules, one to three failed rules
input {
  id   : str key
  x    : int
  y    : num
  z    : num
  flag : bool
}
rule a: x > 0 else ""
rule b: y < 10
let note = "y={y} ok={x > 0}"
rule c: flag else "flag off for {id}: {y}"
rule d: z > 1.5 else "z {z} x {x} big {y > 100}"
output note
output n = failed_count()
output why = failed()
