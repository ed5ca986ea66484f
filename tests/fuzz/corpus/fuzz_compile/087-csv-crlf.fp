# 087: CRLF line ends are read like LF; output lines end in LF
input {
  id : str key
  x  : int
  s  : str
}
output x
output s
