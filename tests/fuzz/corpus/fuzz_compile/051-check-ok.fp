# 051: `check` on a valid policy exits 0 and writes nothing to stdout
policy "ok" version "0.1"
input {
  id : str key
  x  : int
}
output y = x * 2
