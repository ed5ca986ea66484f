# 001: `#` starts a comment to end of line; a `#` inside a string is text
input {
  id : str key   # the key
  x  : int       # a count
}
# a whole-line comment
output y = x + 1 # trailing comment
output s = "a#b" # the # in the string stays
