# 058: `unique` tables must not overlap; the checker names the overlapping rows
input {
  id : str key
  x  : int
}
table t(x: int) -> int unique {
  | 1..5  => 1
  | 5..9  => 2
  | > 9   => 3
  | < 1   => 0
}
