# 035: parameters of a fn or table shadow global names
const x = 100
input {
  id : str key
  v  : int
}
fn f(x: int) -> int = x * 2
table t(x: int) -> int {
  | 1 => x + 10
  | _ => x
}
output a = f(v)
output b = t(v)
output c = x
