# 102: --delimiter sets the input separator
input {
  id : str key
  x  : int
  s  : str
}
output x
output s
