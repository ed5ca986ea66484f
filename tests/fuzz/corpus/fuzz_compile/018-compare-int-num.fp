# 018: comparing int with num converts the int to the nearest double
input {
  id : str key
  i  : int
  n  : num
}
output eq = i == n
output lt = i < n
output ge = i >= n
output ne = i != n
