# 015: `??` chains right to left; its result is optional only when its default is
input {
  id : str key
  a  : int?
  b  : int?
}
output v = a ?? b ?? 0
output w = a ?? b
output z = (a ?? b) is missing
