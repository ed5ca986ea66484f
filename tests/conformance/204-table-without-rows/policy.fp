# 204: a table needs at least one row
input {
  id : str key
  c : num
}
table t(p: num) -> bool {
}
output x = t(c)
