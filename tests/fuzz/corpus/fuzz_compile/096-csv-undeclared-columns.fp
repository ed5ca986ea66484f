# 096: columns the policy does not declare are never parsed
input {
  id : str key
  x  : int
}
output x
