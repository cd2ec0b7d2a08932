import enum
class Color(enum.Enum):
    RED = 1
    GREEN = enum.auto()
class Perm(enum.IntFlag):
    R = 4
    W = 2
print(list(Color), Color(2), Perm.R | Perm.W, Color.RED.__module__)
