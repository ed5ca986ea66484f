# 037: a const that fails to evaluate is a compile error
const Z = 1 / 0
input {
  id : str key
}
output z = Z
