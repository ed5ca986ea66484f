# 075: every non-optional input must be given; the test fails naming the missing field
input {
  id        : str key
  employees : int
  y         : num?
}
output dbl = employees * 2
fixture thin = { id: "a" }
test "thin fixture" {
  given thin
  expect dbl == 0
}
