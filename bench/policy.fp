# Access standard for forging enterprises, with incentives.
policy "forging-access" version "2004.1"

input {
  id           : str  key
  region       : str
  capacity_t   : num                      # annual capacity, tonnes
  output_t     : num?                     # last year's output; may be missing
  employees    : int
  dust_mg_m3   : num  from "Dust (mg/m3)" # CSV header differs from the name
  accidents_3y : int
  export_share : num?
  rd_spend     : num
  iso9001      : bool
}

const DUST_LIMIT = 30
const RELIEF_CAP = 2_000_000

table min_capacity(region: str) -> num {
  | "east"               => 8_000
  | ["central", "north"] => 6_000
  | _                    => 5_000
}

table relief_rate(region: str, export_share: num) -> num {
  | "west", _        => 0.20
  | _,      >= 50%   => 0.15
  | _,      30%..50% => 0.10
  | _,      _        => 0
}

fn per_worker(x: num, n: int) -> num = if n > 0 then x / n else 0

let productivity = per_worker(output_t ?? 0, employees)

rule scale: capacity_t >= min_capacity(region)
  else "capacity {capacity_t} t is below the regional minimum {min_capacity(region)} t"
rule environment: dust_mg_m3 <= DUST_LIMIT
  else "dust {dust_mg_m3} mg/m3 exceeds {DUST_LIMIT}"
rule safety: accidents_3y == 0 else "{accidents_3y} serious accidents in 3 years"
rule quality: iso9001 else "no ISO 9001 certificate"

decide status {
  when scale and environment and safety and quality => "admitted"
  when environment and safety                        => "upgrade"
  otherwise                                          => "exit"
}

output status
output tax_relief = if status == "admitted"
                    then min(relief_rate(region, export_share ?? 0) * rd_spend, RELIEF_CAP)
                    else 0
output reasons = failed()

report by region {
  firms    = count()
  admitted = count(status == "admitted")
  relief   = sum(tax_relief)
  capacity = avg(capacity_t)
}

fixture typical = { id: "T1", region: "east", capacity_t: 9000, output_t: 8500,
                    employees: 300, dust_mg_m3: 12, accidents_3y: 0,
                    export_share: 0.4, rd_spend: 1e6, iso9001: true }

test "a clean eastern exporter is admitted" {
  given typical
  expect status == "admitted"
  expect tax_relief == 100_000
}
test "one accident means exit" {
  given typical with { accidents_3y: 1 }
  expect status == "exit"
}
