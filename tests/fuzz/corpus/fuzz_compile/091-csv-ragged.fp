# 091: a row with a field count different from the header's is a ragged row error
input {
  id : str key
  x  : int
  y  : int
}
output s = x + y
