# 013: null safety: an optional value used where a plain one is needed is a compile error
input {
  id : str key
  x  : int?
}
output y = x + 1
