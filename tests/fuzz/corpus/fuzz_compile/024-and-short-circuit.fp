# 024: `and` short-circuits: `x != 0 and 10 / x > 1` with x = 0 is false, not an error
input {
  id : str key
  x  : int
}
output big = x != 0 and 10 / x > 1
