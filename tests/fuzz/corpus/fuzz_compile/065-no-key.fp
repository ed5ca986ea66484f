# 065: with no key column the error line has no `key K:` part
input {
  x : int
}
output y = x + 1
