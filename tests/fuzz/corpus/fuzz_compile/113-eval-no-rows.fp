# 113: a header-only file: the output header, no rows, exit 0
input {
  id : str key
  x  : int
}
output y = x + 1
