# 036: consts may use literals, other consts, operators, `if` and pure built-ins
const A = 2 * 3
const B = A + round(2.5)
const C = if A > 5 then "big" else "small"
const D = concat(C, "!", str(A / 4))
const E = -A
input {
  id : str key
}
output a = A
output b = B
output c = C
output d = D
output e = E
