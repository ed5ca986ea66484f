# 031: `and` / `or` / `not` take bools only
input {
  id : str key
  x  : int
}
output a = x and true
