import os
import sys
pid = os.fork()
if pid == 0:
    with open("child.txt", "w") as handle:
        handle.write("child")
    sys.exit(0)
_, status = os.waitpid(pid, 0)
print("child exit", os.waitstatus_to_exitcode(status), open("child.txt").read())
