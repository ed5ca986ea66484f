# 265: `check --werror` turns the gap warning into an error and exits 1
input {
  id    : str key
  dust  : num
  staff : int
}
const LIMIT = 30
table dust_band(dust: num) -> str {
  | <= 10     => "clean"
  | 10..20    => "fair"
  | > LIMIT   => "over"
}
table grant(staff: int) -> num {
  | 1..49    => 50_000
  | 50..249  => 1.2e5
  | >= 250   => 250_000
}
output d = dust_band(dust)
output g = grant(staff)
