# 081: floor, ceil, sqrt, pow, exp, log give num
input {
  id : str key
  x  : int
}
output a = floor(-2.5)
output b = ceil(2.1)
output c = sqrt(2)
output d = pow(2, 10)
output e = pow(2, 0.5)
output f = exp(0)
output g = exp(1)
output h = log(10)
output i = floor(x) / 2
