# 260: unused declarations and rules are warnings; check still exits 0
input {
  id       : str key
  size     : int
  spare    : str
  region   : str
}
const LIMIT = 10
const UNUSED_C = 3
fn double(x: int) -> int = x * 2
fn unused_fn(x: int) -> int = x + 1
table unused_t(v: int) -> str {
  | _ => "x"
}
let big = double(size) > LIMIT
let helper = size + 1
let dead = helper * 2
rule small: size < 100 else "too big"
rule orphan: size > 0 else "not positive"
decide verdict {
  when small and big => "ok"
  otherwise => "no"
}
output verdict
output region
