# 007: `/` always gives num, even between ints
input {
  id : str key
  a  : int
  b  : int
}
output q = a / b
