# 078: round rounds the shortest decimal text half away from zero; negative digits; result num
input {
  id : str key
  x  : num
}
output a = round(2.675, 2)
output b = round(0.145, 2)
output c = round(1250, -2)
output d = round(-2.5)
output e = round(2.5)
output f = round(1.005, 2)
output g = round(-0.4)
output h = round(x, 1)
output i = round(-1.005, 2)
