# 074: a failing expect fails its test; output names it, exit 1
input {
  id        : str key
  employees : int
  y         : num?
}
rule pos: employees > 0 else "no staff"
output dbl = employees * 2
output reasons = failed()
fixture base = { id: "a", employees: 2 }

test "wrong double" {
  given base
  expect dbl == 5
}
test "right double" {
  given base
  expect dbl == 4
}
