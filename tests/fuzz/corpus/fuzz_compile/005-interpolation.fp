# 005: `{expr}` in a string interpolates the value formatted as output writes it
input {
  id   : str key
  x    : int
  y    : num
  name : str
}
output m = "x={x} y={y} sum={x + y} half={x / 2} big={x > 1} up={upper(name)} \{}"
