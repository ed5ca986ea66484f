# 118: eval of a policy that does not compile exits 1 and writes no rows
input {
  id : str key
  x  : int
}
output y = x + nope
