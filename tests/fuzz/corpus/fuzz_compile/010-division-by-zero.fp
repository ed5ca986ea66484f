# 010: division by zero is a row error at the `/`, for ints, nums, 0/0 and -0
input {
  id : str key
  a  : num
  b  : num
}
output q = a / b
