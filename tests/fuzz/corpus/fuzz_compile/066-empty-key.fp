# 066: an empty key cell is a missing value; the error line writes the key as ""
input {
  id : str key
  x  : int
}
output x
