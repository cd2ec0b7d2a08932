# xfail1: at granularity 1 the hooks get 50 frames of headroom near the recursion limit (README, What capture changes)
import sys
depth = 0
def down():
    global depth
    depth += 1
    down()
try:
    down()
except RecursionError as exc:
    print("max depth", depth, exc)
