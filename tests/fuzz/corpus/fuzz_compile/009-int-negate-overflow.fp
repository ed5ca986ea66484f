# 009: unary minus overflows on the smallest int
input {
  id : str key
  b  : int
}
output n = -b
