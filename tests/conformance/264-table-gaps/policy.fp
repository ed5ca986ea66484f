# 264: a table without a catch-all row gets one warning per range of numbers no row matches
input {
  id     : str key
  region : str
  share  : num
  staff  : int
}
table relief_rate(region: str, share: num) -> num {
  | "west", _      => 0.20
  | _,      >= 50% => 0.15
  | _,      < 30%  => 0.05
}
table band(staff: int) -> str {
  | < 5  => "micro"
  | >= 6 => "small"
}
table size(staff: int) -> str {
  | < 50  => "small"
  | >= 50 => "large"
}
table rate(share: num) -> num {
  | 0..10% => 1
  | > 20%  => 2
  | _      => 0
}
output r = relief_rate(region, share)
output b = band(staff)
output s = size(staff)
output q = rate(share)
