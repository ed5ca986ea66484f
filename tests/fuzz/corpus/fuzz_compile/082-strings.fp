# 082: len counts code points; lower/upper change ASCII letters only; trim, contains, starts_with, ends_with, concat, str
input {
  id   : str key
  name : str
}
output n  = len(name)
output lo = lower(name)
output up = upper(name)
output t  = trim("  a b  ")
output c  = contains(name, "ll")
output sw = starts_with(name, "h")
output ew = ends_with(name, "e")
output cc = concat(name, "-", "x", "!")
output s1 = str(1.5)
output s2 = str(true)
output s3 = str(7) == "7"
output e0 = len("")
