# __del__ and a generator finalizer that run at interpreter shutdown, after Python restored its builtins
class Res:
    def __del__(self):
        print("closing")
r = Res()
def gen():
    try:
        yield 1
        yield 2
    finally:
        print("gen closed")
g = gen()
next(g)
