# 027: precedence: `* /` over `+ -`, unary minus tightest, `??` below `+`, not/and/or
input {
  id : str key
  x  : int
  y  : bool
  a  : int?
}
output p1 = 1 + 2 * 3
output p2 = -2 * 3 + 1
output p3 = 10 - 4 - 3
output p4 = 2 * (3 + 4)
output p5 = not x > 1 and y
output p6 = x > 1 or y and false
output p7 = a ?? 1 + 2
output p8 = 8 / 4 / 2
output p9 = x + 1 between 1 and 2
