import sys
print(sys.argv[1:], sys.argv[0])
print(sys.orig_argv[-2:])
