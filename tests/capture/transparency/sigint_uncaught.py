import atexit
import os
import signal
atexit.register(print, "atexit ran")
print("about to interrupt", flush=True)
os.kill(os.getpid(), signal.SIGINT)
print("not reached")
