# 098: a declared column absent from the header is an I/O error (exit 4) before any row is read
input {
  id         : str key
  capacity_t : num
}
output capacity_t
