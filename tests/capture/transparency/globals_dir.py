import os
value = 1
print(sorted(globals()))
print(dir())
print([k for k in globals() if k.startswith("__pb")], "__pb_s__" in globals())
print(list(globals())[:9])
