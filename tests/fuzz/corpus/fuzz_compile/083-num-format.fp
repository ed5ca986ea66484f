# 083: nums are written as ECMAScript Number::toString (shortest round trip; -0 as 0)
input {
  id : str key
  x  : num
  y  : num
}
output s = x + y
output n = -x
output p = x * y
