# 088: a UTF-8 BOM before the header is skipped
input {
  id : str key
  x  : int
}
output x
