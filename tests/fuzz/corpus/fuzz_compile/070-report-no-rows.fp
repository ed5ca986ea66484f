# 070: with no rows, count is 0, sum 0, avg/min/max/share empty; a `by` report has no groups
input {
  id : str key
  g  : str
  x  : int
  y  : num
}
report {
  n  = count()
  sx = sum(x)
  sy = sum(y)
  ay = avg(y)
  lo = min(x)
  hi = max(y)
  sh = share(x > 0)
}
report by_g by g {
  n = count()
}
