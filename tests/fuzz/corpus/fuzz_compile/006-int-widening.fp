# 006: int widens to num (arguments, mixed arithmetic, if branches meet at num)
input {
  id   : str key
  n    : int
  flag : bool
}
fn half(x: num) -> num = x / 2
output a = n + 0.5
output b = if flag then n else 2.5
output c = half(n)
output d = n * 2
