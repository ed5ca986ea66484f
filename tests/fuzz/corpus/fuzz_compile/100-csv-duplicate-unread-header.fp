# 100: a duplicated header the policy does not read is harmless
input {
  id : str key
  x  : int
}
output x
