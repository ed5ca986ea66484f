# 060: no matching table row is a row error naming the table and its argument, at the call
input {
  id     : str key
  region : str
  v      : num
}
table grade(region: str) -> int {
  | "east"  => 1
  | "north" => 2
}
table level(v: num) -> int {
  | > 1 => 1
}
output g = grade(region)
output l = level(v)
