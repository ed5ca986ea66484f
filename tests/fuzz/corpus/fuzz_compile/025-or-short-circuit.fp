# 025: `or` short-circuits: the right side is not evaluated when the left is true
input {
  id : str key
  x  : int
}
output ok = x == 0 or 10 / x > 1
