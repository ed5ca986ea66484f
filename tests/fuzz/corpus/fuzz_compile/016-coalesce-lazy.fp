# 016: `??` evaluates its default only when needed
input {
  id : str key
  a  : num?
  d  : num
}
output v = a ?? 1 / d
