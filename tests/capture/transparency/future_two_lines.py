"""A module docstring before the future imports."""
from __future__ import annotations
from __future__ import generator_stop
def f(x: Undefined) -> AlsoUndefined:
    return x
print(f.__annotations__, __doc__)
