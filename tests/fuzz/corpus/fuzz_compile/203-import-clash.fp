# 203: a name clash with an import is reported at the importing file
import "lib/common.fp"
input {
  id : str key
}
const DUST_LIMIT = 25
output d = DUST_LIMIT
