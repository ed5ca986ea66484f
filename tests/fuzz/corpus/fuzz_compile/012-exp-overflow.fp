# 012: exp overflowing to infinity is a row error at `exp`
input {
  id : str key
  x  : num
}
output e = exp(x)
