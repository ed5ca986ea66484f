# 008: int arithmetic outside 64 bits is a row error at the operator (+, *, unary -)
input {
  id : str key
  a  : int
  b  : int
}
output p = a + 1
output m = b * 2
output n = -b
