input {
  site : str key
  unit : int key
  zone : str
  load : num
  staff : int
  certified : bool
}
const MAX_LOAD = 75%
table quota(zone: str, staff: int) -> int {
  | "north", >= 10 => 3
  | "north", _     => 2
  | _,       1..5  => 1
  | _,       _     => 0
}
let spare = quota(zone, staff) - 1
rule light: load < MAX_LOAD else "load {load} is over {MAX_LOAD}"
rule staffed: staff >= 4 and certified else "understaffed"
decide grade {
  when light and staffed => "A"
  when light or spare > 0 => "B"
  otherwise => "C"
}
output grade
output spare
fixture base = { site: "S", unit: 1, zone: "north", load: 0.5, staff: 12, certified: true }
test "grade A" { given base expect grade == "A" }
test "overloaded" { given base with { load: 0.9 } expect grade == "B" }
