class V:
    def __init__(self, *xs):
        self.xs = xs
    def __add__(self, o):
        return V(*(a + b for a, b in zip(self.xs, o.xs)))
    def __iadd__(self, o):
        return self + o
    def __getitem__(self, i):
        return self.xs[i]
    def __len__(self):
        return len(self.xs)
    def __repr__(self):
        return f"V{self.xs}"
    def __eq__(self, o):
        return self.xs == o.xs
    __hash__ = None
v = V(1, 2)
v += V(3, 4)
print(v, v[1], len(v), v == V(4, 6), list(v))
