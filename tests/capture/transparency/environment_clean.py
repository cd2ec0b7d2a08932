import os
print([k for k in os.environ if k.startswith("PROVBRIDGE")])
