class Temperature:
    def __init__(self):
        self._c = 0
    @property
    def celsius(self):
        return self._c
    @celsius.setter
    def celsius(self, value):
        self._c = value
    @staticmethod
    def unit():
        return "C"
    @classmethod
    def make(cls):
        return cls()
t = Temperature.make()
t.celsius = 21
print(t.celsius, Temperature.unit(), type(Temperature.__dict__["celsius"]).__name__)
