import sys
import helper
print(__name__, sys.argv, helper.VALUE, type(__loader__).__name__)
print(sys.path[0].endswith("app.pyz"), __file__.endswith("__main__.py"))
