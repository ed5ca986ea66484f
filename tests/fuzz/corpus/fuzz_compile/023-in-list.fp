# 023: `x in [a, b, c]` tests membership in a literal list
input {
  id     : str key
  region : str
  n      : int
}
output r = region in ["east", "west"]
output k = n in [1, 2, 3]
output u = n in [2.5, 4]
