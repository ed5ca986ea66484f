# 011: a NaN or infinite num result is a row error at the function name or operator
input {
  id : str key
  x  : num
  y  : num
  z  : num
}
output r = sqrt(x)
output l = log(y)
output m = z * 1e308
