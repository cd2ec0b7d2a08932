import atexit
import sys
state = {"n": 0}
def first(tag):
    print("first", tag, state)
def second():
    state["n"] += 1
    print("second", state, file=sys.stderr)
atexit.register(first, "a")
atexit.register(second)
print("main done")
