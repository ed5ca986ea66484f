# 022: `x between a and b` is inclusive at both ends
input {
  id : str key
  x  : num
}
output b = x between 1 and 3
output c = not (x between 1 and 3) and x > 0
