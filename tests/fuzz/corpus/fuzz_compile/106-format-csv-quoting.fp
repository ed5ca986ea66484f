# 106: CSV output quotes a field only when it holds a comma, a quote or a newline; missing is empty
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
