# 090: the last record needs no final newline
input {
  id : str key
  x  : int
}
output x
