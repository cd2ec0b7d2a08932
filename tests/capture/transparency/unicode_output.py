import sys
print("héllo wörld ✓ 日本", sys.stdout.encoding)
print("ünïcode on stderr", file=sys.stderr)
