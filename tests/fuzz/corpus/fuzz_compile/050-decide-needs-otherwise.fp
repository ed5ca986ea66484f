# 050: `otherwise` is required in a decide
input {
  id : str key
  x  : int
}
decide d {
  when x > 0 => "pos"
}
