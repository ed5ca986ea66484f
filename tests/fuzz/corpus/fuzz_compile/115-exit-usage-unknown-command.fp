# 115: an unknown subcommand is a usage error (exit 2)
input {
  id : str key
}
