# 030: `1 + (if c then 2 else 3)` is fine with parentheses
input {
  id : str key
  c  : bool
}
output a = 1 + (if c then 2 else 3)
