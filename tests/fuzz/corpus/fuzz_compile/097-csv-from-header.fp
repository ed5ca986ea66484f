# 097: `from` names the CSV header; the output header uses the policy's name
input {
  id   : str key
  dust : num from "Dust (mg/m3)"
}
output dust
