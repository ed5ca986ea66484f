# layout of every construct; comments stay
input {
  id     : str  key  # the key
  amount : num?
}
const CAP  = 2_000_000  # literal as written
const RATE = 30%
rule big: (amount ?? 0) > 1e6 else "too big"
decide size {
  when big  => "large"
  otherwise => "small"
}
output size
output relief = if size == "large" then min(amount ?? 0, CAP) * RATE else 0
report by size {
  n     = count()
  total = sum(relief)
}
