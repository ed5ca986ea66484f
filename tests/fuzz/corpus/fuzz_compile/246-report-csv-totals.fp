input {
  id     : str  key
  region : str
  sales  : num
  staff  : int
}
output sales
report by region {
  firms = count()
  sales = sum(sales)
  staff = max(staff)
  avg   = avg(sales)
}
