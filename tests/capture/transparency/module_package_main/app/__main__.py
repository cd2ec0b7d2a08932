import sys
print("main of", __name__, __spec__.name, sys.argv[1:], __package__)
