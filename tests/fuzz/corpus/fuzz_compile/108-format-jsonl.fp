# 108: --format jsonl writes one JSON object per row, null for missing
input {
  id : str key
  x  : int
  y  : num?
  s  : str
  ok : bool
}
output x
output y
output s
output ok
