calls = []
def scale(xs, k):
    calls.append(k)
    return [x * k for x in xs]
class Scaler:
    def __init__(self, k):
        self.k = k
    def apply(self, xs):
        return scale(xs, self.k)
