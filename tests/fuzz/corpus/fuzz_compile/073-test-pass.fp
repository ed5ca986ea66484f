# 073: `forgec test` runs the policy's tests; all pass -> exit 0
input {
  id        : str key
  employees : int
  y         : num?
}
rule pos: employees > 0 else "no staff"
output dbl = employees * 2
output reasons = failed()
fixture base = { id: "a", employees: 2 }

test "doubles" {
  given base
  expect dbl == 4
  expect pos
}
test "override with a with-block" {
  given base with { employees: -1, y: 1.5 }
  expect not pos
  expect reasons == "no staff"
  expect (y ?? 0) == 1.5
}
test "a field not given is missing" {
  given base
  expect y is missing
}
