# A small policy for the CLI tests: one optional number, a decide, a report.
policy "cli-test" version "1"

input {
  id : str key
  n  : num?
}

let score = n ?? 0

decide decision {
  when n is missing => "none"
  when score >= 10  => "high"
  otherwise         => "low"
}

output decision
output score

report by decision {
  firms = count()
  total = sum(score)
}

fixture base = { id: "T", n: 12 }

test "twelve is high" {
  given base
  expect decision == "high"
}
test "missing is none" {
  given base with { n: missing }
  expect decision == "none"
  expect score == 0
}
