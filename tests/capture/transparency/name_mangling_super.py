class A:
    __secret = "a"
    def who(self):
        return "A", self.__secret
class B(A):
    __secret = "b"
    def who(self):
        return ("B", self.__secret), super().who()
print(B().who(), [c.__name__ for c in B.__mro__], sorted(k for k in vars(B) if "secret" in k))
