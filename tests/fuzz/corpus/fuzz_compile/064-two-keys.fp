# 064: several key columns: each is an output column; error lines join them with `/`
input {
  region : str key
  id     : int key
  x      : int
}
output y = x * 2
