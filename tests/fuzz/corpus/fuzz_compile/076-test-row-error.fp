# 076: an expect that hits a row error fails the test
input {
  id : str key
  x  : int
}
let r = 10 / x
fixture zero = { id: "a", x: 0 }
test "divides" {
  given zero
  expect r > 1
}
test "fine" {
  given zero with { x: 5 }
  expect r == 2
}
