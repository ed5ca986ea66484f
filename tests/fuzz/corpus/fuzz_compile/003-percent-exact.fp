# 003: a percent literal is an exact decimal: 1.1% is the double nearest 0.011, not 1.1 / 100
input {
  id : str key
}
output p = 1.1%
output q = 1.1 / 100
output r = 30%
output s = 12.5%
output t = 100%
output same = 1.1% == 0.011
