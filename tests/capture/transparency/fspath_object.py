import os
calls = []
class Where:
    def __fspath__(self):
        calls.append(len(calls))
        return "fs_target.txt"
with open(Where(), "w") as handle:
    handle.write("x")
print(calls, os.path.exists("fs_target.txt"))
