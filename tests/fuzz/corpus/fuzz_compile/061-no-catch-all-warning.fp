# 061: the checker warns when a table has no catch-all row (check still exits 0)
input {
  id : str key
  x  : int
}
table grade(x: int) -> str {
  | < 0  => "neg"
  | >= 0 => "nonneg"
}
output g = grade(x)
