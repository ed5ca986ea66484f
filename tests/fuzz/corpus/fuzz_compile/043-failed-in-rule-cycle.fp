# 043: failed() in a rule, through a let, is a cycle
input {
  id : str key
  x  : int
}
let why = failed()
rule r: why == "" else "bad"
rule s: x > 0
