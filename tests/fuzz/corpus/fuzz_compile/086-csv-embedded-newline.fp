# 086: an embedded newline in a quoted field; later rows keep their physical line numbers
input {
  id   : str key
  note : str
  x    : int
}
output x
output note
