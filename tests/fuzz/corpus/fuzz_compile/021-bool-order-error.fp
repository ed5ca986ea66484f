# 021: ordering bools (<) is a compile error
input {
  id : str key
  p  : bool
  q  : bool
}
output lt = p < q
