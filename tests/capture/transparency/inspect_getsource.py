import inspect
def documented(a, b=2):
    """Docstring."""
    return a + b
class Shape:
    def area(self):
        return 0
print(inspect.getsource(documented))
print(inspect.getsource(Shape))
print(inspect.getsourcefile(documented).endswith("inspect_getsource.py"), inspect.getmodule(documented).__name__)
print(inspect.signature(documented))
