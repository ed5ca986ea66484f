input {
  id     : str  key
  region : str
  sales  : num
  staff  : int
}
rule sized: staff >= 10 else "too few staff"
decide tier {
  when sales >= 1000 and sized => "gold"
  when sales >= 500            => "silver"
  otherwise                    => "none"
}
output tier
output grant = if tier == "gold" then sales * 10% else 0
report by region {
  firms = count()
  grant = sum(grant)
}
