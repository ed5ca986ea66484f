# 084: str(x) and "{x}" format numbers and bools exactly as output does
input {
  id : str key
  x  : num
  i  : int
  b  : bool
}
output a = str(x)
output m = "[{x}|{i}|{b}|{-x}]"
