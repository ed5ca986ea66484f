# 046: a column whose name is a reserved word is read with `from`
input {
  id   : str key
  size : int from "in"
  kind : str from "table"
}
output size
output kind
