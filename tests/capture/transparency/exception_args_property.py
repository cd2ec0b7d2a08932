calls = []
class Odd(Exception):
    @property
    def args(self):
        calls.append("args")
        return ("odd",)
try:
    raise Odd()
except Odd as caught:
    err = caught
print(calls)
