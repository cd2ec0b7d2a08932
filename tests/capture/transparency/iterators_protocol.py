class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n
import itertools
print(list(Countdown(4)), list(itertools.islice(itertools.count(), 3)), list(zip(*[(1, 2), (3, 4)])))
