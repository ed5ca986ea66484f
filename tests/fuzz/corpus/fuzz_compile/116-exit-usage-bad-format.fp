# 116: an unknown --format is a usage error (exit 2)
input {
  id : str key
  x  : int
}
output x
