input {
  id     : str  key
  region : str
  sales  : num
  staff  : int
}
rule sized: staff >= 5 else "too few staff"
decide tier {
  when sales >= 800 and sized => "gold"
  when sales >= 400           => "silver"
  otherwise                   => "none"
}
output tier
output grant = if tier == "gold" then sales * 12% else 0
output note = "v2"
report by region {
  firms = count()
  grant = sum(grant)
}
