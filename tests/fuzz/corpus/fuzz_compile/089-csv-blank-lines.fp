# 089: blank lines are skipped but still count in line numbers
input {
  id : str key
  x  : int
}
output x
