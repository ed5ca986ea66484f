# 117: a data file that cannot be opened is an I/O error (exit 4)
input {
  id : str key
  x  : int
}
output x
