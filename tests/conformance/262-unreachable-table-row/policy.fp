# 262: table rows covered by an earlier row are never matched
input {
  id     : str key
  region : str
  v      : num
  n      : int
}
table rate(region: str, v: num) -> num {
  | "west", >= 10    => 0.3
  | "west", > 20     => 0.2
  | _,      10..50   => 0.1
  | "east", 20..30   => 0.05
  | ["a", "b"], _    => 0.01
  | "a",    < 0      => 0.02
  | _,      _        => 0
  | "north", 5       => 0.5
}
table band(n: int) -> str {
  | > 5  => "hi"
  | >= 6 => "also hi"
  | 1..5 => "lo"
  | 2    => "two"
  | _    => "none"
}
output r = rate(region, v)
output b = band(n)
