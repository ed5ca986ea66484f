# 099: a header read by the policy appearing twice is an I/O error (exit 4)
input {
  id : str key
  x  : int
}
output x
