# 041: mutual recursion is rejected
input {
  id : str key
}
fn f(n: int) -> int = if n <= 0 then 0 else g(n - 1)
fn g(n: int) -> int = f(n)
output y = f(3)
