# 110: -o FILE writes the rows to FILE, nothing to stdout
input {
  id : str key
  x  : int
}
output y = x * 3
