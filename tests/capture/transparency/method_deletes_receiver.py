class A:
    def go(self):
        global a
        del a
        return "gone"
a = A()
print(a.go(), "a" in globals())
