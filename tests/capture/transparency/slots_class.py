class P:
    __slots__ = ("x", "y")
    def __init__(self, x, y):
        self.x, self.y = x, y
p = P(1, 2)
try:
    p.z = 3
except AttributeError as exc:
    print("no z:", exc)
print(p.x, p.y, P.__slots__)
