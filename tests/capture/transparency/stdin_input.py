import sys
first = input("prompt> ")
rest = sys.stdin.read()
print(repr(first), repr(rest))
