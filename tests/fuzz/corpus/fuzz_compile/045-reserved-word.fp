# 045: a reserved word cannot be a name
input {
  id : str key
}
let between = 1
