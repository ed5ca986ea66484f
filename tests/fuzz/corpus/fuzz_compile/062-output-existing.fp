# 062: `output x` alone emits an input, a let, a rule or a decide; key columns come first
output flag
output x
output double
output big
input {
  x  : int
  id : str key
}
let double = x * 2
rule flag: x > 1
decide big {
  when x > 5 => true
  otherwise  => false
}
