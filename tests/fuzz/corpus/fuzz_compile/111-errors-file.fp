# 111: --errors FILE receives the row error lines; the summary stays on stderr
input {
  id : str key
  x  : int
}
output x
