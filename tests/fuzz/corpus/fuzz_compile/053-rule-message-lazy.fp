# 053: a rule's message is evaluated only when the rule fails
input {
  id : str key
  x  : int
}
rule zero: x == 0 else "ratio {10 / x}"
output why = failed()
