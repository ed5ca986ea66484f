# 071: aggregates skip missing values (avg/min/max over none are empty); rows in error are left out
input {
  id : str key
  g  : str
  v  : num?
}
report by g {
  n  = count()
  a  = avg(v)
  lo = min(v)
  hi = max(v)
  p  = count(v is present)
}
