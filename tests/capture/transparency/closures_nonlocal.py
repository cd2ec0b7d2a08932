def make_counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    return inc
c = make_counter()
print(c(), c(5), c.__closure__[0].cell_contents)
adders = [lambda x, k=k: x + k for k in range(3)]
print([a(10) for a in adders])
