# 068: count(), count(cond), sum, avg, min, max, share over all evaluated rows (no `by`)
input {
  id : str key
  x  : int
  y  : num
  ok : bool
}
report {
  n    = count()
  n_ok = count(ok)
  sx   = sum(x)
  sy   = sum(y)
  ay   = avg(y)
  ax   = avg(x)
  lo   = min(x)
  hi   = max(y)
  sh   = share(ok)
  big  = count(x > 2)
}
