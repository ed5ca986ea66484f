# 093: --na adds missing markers, matched against the unquoted cell exactly
input {
  id : str key
  x  : num?
}
output m = x is missing
output v = x ?? -1
