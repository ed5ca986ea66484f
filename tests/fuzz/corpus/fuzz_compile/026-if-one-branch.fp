# 026: `if` evaluates one branch only
input {
  id : str key
  x  : int
}
output r = if x == 0 then 0 else 10 / x
output s = if x > 0 then "pos" else if x < 0 then "neg" else "zero"
