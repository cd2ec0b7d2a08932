from typing import Generic, Protocol, TypeVar, get_type_hints
T = TypeVar("T")
class Stack(Generic[T]):
    def __init__(self) -> None:
        self.items: list[T] = []
    def push(self, item: T) -> None:
        self.items.append(item)
class Sized(Protocol):
    def __len__(self) -> int: ...
def size(x: Sized) -> int:
    return len(x)
s: Stack[int] = Stack()
s.push(1)
print(s.items, get_type_hints(size), Stack[int])
