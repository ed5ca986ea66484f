# 044: an unknown name is an error with a did-you-mean hint
input {
  id         : str key
  capacity_t : num
}
output y = capacty_t + 1
