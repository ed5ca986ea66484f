# 032: both branches of `if` must have one type (int and num meet at num)
input {
  id : str key
  c  : bool
}
output a = if c then 1 else "one"
