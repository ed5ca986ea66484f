# 040: direct recursion is rejected
input {
  id : str key
}
fn f(n: int) -> int = if n <= 0 then 0 else f(n - 1)
output y = f(3)
