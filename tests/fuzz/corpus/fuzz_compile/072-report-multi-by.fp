# 072: `by` several values, including a let; groups sort by the first, then the next
input {
  id     : str key
  region : str
  x      : int
}
let big = x > 5
report by region, big {
  n = count()
  s = sum(x)
}
