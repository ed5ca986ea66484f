input {
  id : str key
}
output n=1+2
