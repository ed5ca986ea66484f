# 019: strings compare byte-wise (upper case before lower case, UTF-8 after ASCII)
input {
  id : str key
  a  : str
  b  : str
}
output lt = a < b
output eq = a == b
output ge = a >= b
