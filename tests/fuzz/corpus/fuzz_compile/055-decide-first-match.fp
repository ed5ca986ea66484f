# 055: decide takes the first true arm; int and num arms meet at num
input {
  id : str key
  x  : int
}
decide level {
  when x > 10 => 3
  when x > 5  => 2.5
  when x > 0  => 1
  otherwise   => 0
}
decide name {
  when x > 0 => "pos"
  when x > 5 => "never"
  otherwise  => "other"
}
output level
output name
output sum = level + 1
