# 101: a .tsv file is read tab-separated; output stays CSV
input {
  id   : str key
  name : str
  x    : int
}
output name
output x
