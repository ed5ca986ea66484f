# 017: `is missing` / `is present`; an empty and a quoted empty cell are both missing
input {
  id : str key
  x  : num?
  s  : str?
}
output xm = x is missing
output xp = x is present
output sm = s is missing
