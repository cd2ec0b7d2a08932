import sys
import helper
print(__name__, sys.argv, helper.greet(), __spec__.name, repr(__package__))
print(sys.path[0].endswith("appdir"), __file__.endswith("__main__.py"))
