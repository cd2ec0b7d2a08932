def f(a, /, b, *args, c, d=4, **kw):
    return a, b, args, c, d, kw
first, *middle, last = range(6)
merged = {**{"a": 1}, **{"b": 2}}
print(first, middle, last, merged, f(1, 2, 3, c=5, e=6), [*"ab", *range(2)])
