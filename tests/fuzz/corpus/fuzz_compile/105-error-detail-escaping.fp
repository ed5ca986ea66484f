# 105: a bad cell's text in the error line escapes " and \ and is cut after 60 bytes
input {
  id : str key
  x  : num
}
output x
