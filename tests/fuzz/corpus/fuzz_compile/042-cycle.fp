# 042: a dependency cycle is an error that shows the cycle's path
input {
  id : str key
}
let a = b + 1
let b = c + 1
let c = a + 1
output y = a
