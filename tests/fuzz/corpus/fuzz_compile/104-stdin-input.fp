# 104: `-` reads standard input; error lines name it <stdin>
input {
  id : str key
  x  : int
}
output x
