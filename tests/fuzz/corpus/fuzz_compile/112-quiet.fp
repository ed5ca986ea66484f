# 112: -q drops the summary line; row errors are still written
input {
  id : str key
  x  : int
}
output x
