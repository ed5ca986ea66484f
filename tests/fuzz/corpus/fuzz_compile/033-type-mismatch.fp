# 033: `+` between a str and an int is a type error
input {
  id : str key
}
output a = "x" + 1
