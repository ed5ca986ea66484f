# 107: --format tsv writes tab-separated rows (a comma needs no quoting)
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
