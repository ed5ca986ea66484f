# 059: a `unique` table whose rows do not overlap evaluates normally
input {
  id : str key
  x  : int
}
table t(x: int) -> str unique {
  | < 0   => "neg"
  | 0..9  => "small"
  | >= 10 => "large"
}
output s = t(x)
