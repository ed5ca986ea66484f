# 004: string escapes \" \\ \n \t \{ \u{HEX}
input {
  id : str key
}
output quote = "a\"b"
output back  = "c\\d"
output brace = "x\{y}"
output uni   = "caf\u{e9} \u{1F600}"
output tab   = "t\tu"
output nl    = "two\nlines"
