# 114: eval without its arguments is a usage error (exit 2)
input {
  id : str key
}
