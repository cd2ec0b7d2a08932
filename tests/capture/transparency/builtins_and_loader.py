"""Script docstring."""
import builtins
print(type(__builtins__).__name__, __builtins__ is builtins, __doc__)
print(type(__loader__).__name__, __loader__.name, __loader__.get_source("__main__").splitlines()[0])
print(__spec__, __package__, __cached__)
