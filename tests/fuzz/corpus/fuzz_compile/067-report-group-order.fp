# 067: report groups sort by typed value: numbers numerically, strings byte-wise, false before true, missing first
input {
  id     : str key
  n      : int
  flag   : bool
  region : str?
}
report by_n by n {
  rows = count()
}
report by_flag by flag {
  rows = count()
}
report by_region by region {
  rows = count()
}
