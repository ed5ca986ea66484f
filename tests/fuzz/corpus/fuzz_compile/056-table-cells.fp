# 056: every table cell kind: literal, const, `<`, `<=`, `>`, `>=`, `lo..hi`, `[a, b]`, `_`
const TEN = 10
input {
  id : str key
  x  : int
}
table band(x: int) -> str {
  | < 0    => "negative"
  | 0      => "zero"
  | [1, 2] => "one-two"
  | 3..5   => "three-five"
  | <= 7   => "six-seven"
  | TEN    => "ten"
  | > 100  => "big"
  | >= 50  => "fifty+"
  | _      => "other"
}
output b = band(x)
