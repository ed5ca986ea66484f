# 048: the policy header may appear only once
policy "a" version "1"
policy "b" version "2"
input {
  id : str key
}
