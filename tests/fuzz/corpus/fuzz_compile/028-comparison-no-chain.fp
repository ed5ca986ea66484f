# 028: comparisons do not chain: `a < b < c` is a syntax error
input {
  id : str key
  x  : int
}
output b = 1 < x < 3
