import sys
value = 6 * 7
print(__name__, sys.argv, value, __spec__.name, __package__, __file__.endswith("tool.py"))
print(sorted(globals()))
