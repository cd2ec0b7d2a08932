count: int = 3
name: str
print(__annotations__)
class C:
    a: int
    b: str = "x"
print(C.__annotations__)
