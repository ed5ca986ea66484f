# 049: an output name appears once
input {
  id : str key
}
output a = 1
output a = 2
