# 034: names are global and may be used before they are declared
policy "order" version "1"
output total = doubled + BONUS
let doubled = twice(x)
fn twice(v: int) -> int = v * 2
const BONUS = BASE + 1
const BASE = 10
input {
  id : str key
  x  : int
}
