# 080: min, max, clamp give int when all arguments are int (so + can overflow), num otherwise; abs keeps its type
input {
  id : str key
  x  : int
}
output a = max(x, 0) + 1
output b = min(x, 2.5)
output c = max(1, 2, 3)
output d = clamp(x, 0, 10)
output e = clamp(0.5, 0, 1)
output f = abs(x)
output g = abs(-2.5)
