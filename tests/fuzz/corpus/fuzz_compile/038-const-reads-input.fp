# 038: a const may not read an input (it is folded at compile time)
input {
  id : str key
  x  : int
}
const K = x + 1
