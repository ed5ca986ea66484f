# 119: every row evaluated -> exit 0 and a summary line
policy "zero" version "1"
input {
  id : str key
  x  : int
}
output x
