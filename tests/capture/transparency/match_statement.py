from dataclasses import dataclass
@dataclass
class Point:
    x: int
    y: int
def describe(obj):
    match obj:
        case Point(x=0, y=0):
            return "origin"
        case Point(x=px, y=py) if px == py:
            return f"diagonal {px}"
        case [first, *rest]:
            return f"list {first} {rest}"
        case {"k": value, **others}:
            return f"dict {value} {others}"
        case str() | bytes() as s:
            return f"text {s!r}"
        case _:
            return "other"
print([describe(o) for o in (Point(0, 0), Point(2, 2), [1, 2, 3], {"k": 5, "z": 1}, "s", 3.5)])
