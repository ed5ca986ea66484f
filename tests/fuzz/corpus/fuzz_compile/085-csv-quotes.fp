# 085: quoted fields, commas inside quotes and doubled quotes are read as RFC 4180
input {
  id   : str key
  name : str
  x    : int
}
output name
output x
