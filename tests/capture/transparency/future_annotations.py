from __future__ import annotations
import typing
def g(a: int, b: "list[str]") -> dict[str, int]:
    return {}
print(g.__annotations__, typing.get_type_hints(g))
