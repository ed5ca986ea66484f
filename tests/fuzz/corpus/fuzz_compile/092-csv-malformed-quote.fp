# 092: a malformed quote ("ab"c) or a quote left open at the end is a row error for that record
input {
  id : str key
  s  : str
  x  : int
}
output x
