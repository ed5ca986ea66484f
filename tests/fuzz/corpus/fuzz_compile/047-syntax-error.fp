# 047: syntax error: a table row without `=>`
input {
  id : str key
  x  : int
}
table t(x: int) -> int {
  | 1   2
  | _ => 0
}
