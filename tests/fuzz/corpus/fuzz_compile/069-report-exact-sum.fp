# 069: report sums of nums are exact, rounded once (0.1 ten times is 1; 1e16 + 1 - 1e16 is 1)
input {
  id : str key
  g  : str
  v  : num
}
report by g {
  s = sum(v)
  a = avg(v)
}
