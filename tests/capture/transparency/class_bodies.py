class Meta(type):
    def __new__(mcls, name, bases, ns, **kw):
        ns["created_by"] = mcls.__name__
        return super().__new__(mcls, name, bases, ns)
class Base(metaclass=Meta):
    registry = []
    def __init_subclass__(cls, tag="none", **kw):
        super().__init_subclass__(**kw)
        Base.registry.append((cls.__name__, tag))
class Field:
    def __set_name__(self, owner, name):
        self.name = name
class Child(Base, tag="child"):
    counter = 0
    f = Field()
    for i in range(3):
        counter += i
    del i
    def method(self):
        return __class__.__name__
print(Child.counter, Child.created_by, Base.registry, Child.f.name, Child().method(), Child.__qualname__)
print(sorted(k for k in vars(Child) if not k.startswith("__")))
