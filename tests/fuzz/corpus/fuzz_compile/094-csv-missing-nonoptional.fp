# 094: an empty or quoted empty cell in a non-optional column is a missing value error
input {
  id : str key
  x  : int
  s  : str
}
output x
