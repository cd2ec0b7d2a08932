x = "outer"
squares = [x * x for x in range(5)]
evens = {x for x in range(10) if x % 2 == 0}
table = {k: v for k, v in zip("abc", range(3))}
nested = [[i * j for j in range(3)] for i in range(3)]
gen = sum(x for x in range(100))
class K:
    base = 10
    items = [i for i in range(3)]
print(x, squares, sorted(evens), table, nested, gen, K.items)
