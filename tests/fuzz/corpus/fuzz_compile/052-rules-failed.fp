# 052: failed rules record their messages (default `rule NAME failed`); failed() joins them with "; "
input {
  id : str key
  x  : int
  y  : num
}
rule pos: x > 0 else "x is {x}, not positive"
rule small: y < 10
rule both: pos and small else "not both"
output pos
output n = failed_count()
output why = failed()
