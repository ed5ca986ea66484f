# 103: .gz input is decompressed; line numbers are those of the decompressed text
input {
  id : str key
  x  : int
}
output x
