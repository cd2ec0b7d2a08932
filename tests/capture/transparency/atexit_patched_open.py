import atexit
import builtins
real_open = builtins.open
calls = []
def my_open(*args, **kwargs):
    calls.append(args[0])
    return real_open(*args, **kwargs)
builtins.open = my_open
def at_end():
    print("open is mine at exit:", builtins.open is my_open)
    with open("atexit_out.txt", "w") as handle:
        handle.write("written at exit")
    print(calls)
atexit.register(at_end)
with open("during.txt", "w") as handle:
    handle.write("during")
