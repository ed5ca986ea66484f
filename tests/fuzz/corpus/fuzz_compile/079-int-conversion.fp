# 079: int() truncates toward zero; out of the int range is a row error at `int`
input {
  id : str key
  y  : num
}
output a = int(y)
output b = num(3) / 2
