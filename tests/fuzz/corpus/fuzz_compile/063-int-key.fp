# 063: an int key is written as its parsed value (007 -> 7); error lines show the raw key text
input {
  id : int key
  x  : num
}
output x
