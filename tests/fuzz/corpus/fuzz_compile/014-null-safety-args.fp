# 014: null safety applies to function arguments and conditions too
input {
  id   : str key
  s    : str?
  flag : bool?
}
output n = len(s)
output f = if flag then 1 else 0
