# 121: reports aggregate the evaluated rows only; a row in error is left out
input {
  id : str key
  x  : num
}
let r = 1 / x
report {
  n = count()
  s = sum(r)
}
