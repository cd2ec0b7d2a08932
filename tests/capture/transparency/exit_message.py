import sys
print("out")
sys.exit("fatal: bad input")
