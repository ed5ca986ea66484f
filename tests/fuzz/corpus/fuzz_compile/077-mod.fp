# 077: mod is floored (sign of b), int when both are int; mod(x, 0) is a row error at `mod`
input {
  id : str key
  x  : int
  y  : int
}
output a = mod(-7, 3)
output b = mod(7, -3)
output c = mod(7, 3)
output d = mod(-7.5, 2)
output e = mod(5.5, -2)
output f = mod(x, y)
