import atexit
import sys
def report():
    print("atexit sees", type(getattr(sys, "last_value", None)).__name__)
atexit.register(report)
raise LookupError("unhandled")
