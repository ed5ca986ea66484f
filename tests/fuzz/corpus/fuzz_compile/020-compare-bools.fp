# 020: bools compare with == and != only
input {
  id : str key
  p  : bool
  q  : bool
}
output eq = p == q
output ne = p != q
