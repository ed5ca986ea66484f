# 201: two parameters of one fn may not share a name
input {
  id : str key
}
fn f(q: int, q: int) -> int = q
output x = f(1, 2)
