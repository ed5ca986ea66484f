# 002: number literals: underscores between digits, `.` and exponents make num
input {
  id : str key
}
output a = 2_000_000 + 1
output b = 1_000.25
output c = 1e6
output d = 15e-8
output e = 2.5e3
output f = 7
