# 057: hit policy `first` (the default): the first matching row wins, even when rows overlap
input {
  id : str key
  r  : str
  v  : num
}
table rate_of(region: str, v: num) -> num {
  | "west", _       => 0.2
  | _,      >= 50%  => 0.15
  | _,      30%..50% => 0.1
  | _,      _       => 0
}
table grp(v: num) -> str first {
  | >= 1 => "a"
  | >= 2 => "b"
  | _    => "c"
}
output rate = rate_of(r, v)
output g = grp(v)
