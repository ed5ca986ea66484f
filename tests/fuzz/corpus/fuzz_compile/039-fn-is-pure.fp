# 039: a fn body sees only its parameters, consts, fns, tables and built-ins
input {
  id : str key
  x  : int
}
fn f(a: int) -> int = a + x
output y = f(1)
