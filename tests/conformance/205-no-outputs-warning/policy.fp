# 205: a policy without keys and outputs writes empty rows: warned
input {
  c : num
}
let x = c
