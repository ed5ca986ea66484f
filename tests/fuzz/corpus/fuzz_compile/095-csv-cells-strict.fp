# 095: cells are not trimmed; int/num/bool cells follow the SPEC grammar exactly
input {
  id : str key
  i  : int?
  n  : num?
  b  : bool?
}
output i
output n
output b
