# 263: `check --werror` turns warnings into errors and exits 1
input {
  id    : str key
  size  : int
  spare : int
}
output big = size > 10
