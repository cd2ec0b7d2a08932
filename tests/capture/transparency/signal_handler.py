import os
import signal
got = []
def handler(signum, frame):
    got.append(signal.Signals(signum).name)
signal.signal(signal.SIGUSR1, handler)
os.kill(os.getpid(), signal.SIGUSR1)
print(got, signal.getsignal(signal.SIGINT) is signal.default_int_handler)
