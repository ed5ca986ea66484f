# 054: evaluation is eager: an unused let still evaluates, so its row error counts
input {
  id : str key
  x  : int
}
let unused = 10 / x
output y = x + 1
