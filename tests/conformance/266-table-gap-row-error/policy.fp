# 266: the value the gap warning names is a row error when a row has it
input {
  id    : str key
  staff : int
}
table band(staff: int) -> str {
  | < 5  => "micro"
  | >= 6 => "small"
}
output b = band(staff)
