import warnings
import oldlib
print(oldlib.NAME)
oldlib.old_function()
