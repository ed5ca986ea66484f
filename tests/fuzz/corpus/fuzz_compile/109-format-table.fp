# 109: --format table writes an aligned table with the column names
input {
  id : str key
  x  : int
  y  : num?
  s  : str
  ok : bool
}
output x
output y
output s
output ok
