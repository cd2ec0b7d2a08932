"""The 200k-iteration loop whose body calls a function that calls another twice."""
import sys

N = int(200_000 * (float(sys.argv[1]) if len(sys.argv) > 1 else 1.0))


def g(x):
    y = x * 2 + 1
    return y % 1_000_003


def f(x):
    a = g(x)
    b = g(a + 1)
    return a + b


total = 0
for i in range(N):
    total += f(i)
print(total)
