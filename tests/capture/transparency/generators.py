def gen(n):
    for i in range(n):
        got = yield i * i
        if got:
            print("sent", got)
def delegating():
    result = yield from gen(3)
    return result
g = gen(5)
print(next(g), g.send("hello"), list(g))
print(list(delegating()))
def closing():
    try:
        yield 1
    finally:
        print("closed")
c = closing()
next(c)
c.close()
