# 120: a row error inside a fn body points into the body
input {
  id : str key
  x  : int
}
fn inv(v: num) -> num = 1 / v
output y = inv(x)
