# 029: `if` is not an operand of a binary operator without parentheses
input {
  id : str key
  c  : bool
}
output a = 1 + if c then 2 else 3
