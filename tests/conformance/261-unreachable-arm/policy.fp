# 261: decide arms after a literal `true` arm, or repeating an earlier condition, are never taken
input {
  id   : str key
  size : int
}
decide band {
  when size > 100 => "large"
  when size > 10  => "medium"
  when size > 100 => "huge"
  otherwise       => "small"
}
decide flag {
  when true     => "yes"
  when size > 5 => "maybe"
  otherwise     => "no"
}
output band
output flag
