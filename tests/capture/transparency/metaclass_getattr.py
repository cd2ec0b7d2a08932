calls = []
class Meta(type):
    def __getattr__(cls, name):
        calls.append(name)
        raise AttributeError(name)
class Weird(metaclass=Meta):
    pass
w = Weird
x = [Weird, Weird()]
print(calls)
