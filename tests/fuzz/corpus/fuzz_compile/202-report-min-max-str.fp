# 202: report min/max also take str and bool (strings byte-wise, false before true)
input {
  id : str key
  region : str
  ok : bool
}
report {
  lowest = min(region)
  highest = max(region)
  any_ok = max(ok)
}
