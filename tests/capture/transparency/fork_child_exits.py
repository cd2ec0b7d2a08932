import os
import sys
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"from child")
    os._exit(7)
os.close(w)
data = os.read(r, 100)
_, status = os.waitpid(pid, 0)
print(data, os.waitstatus_to_exitcode(status))
with open("after_fork.txt", "w") as handle:
    handle.write("parent wrote this")
