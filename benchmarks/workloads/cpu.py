"""CPU-bound pure Python: recursion, a sieve and string work, mostly inside functions."""
import sys

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def sieve(n):
    flags = [True] * (n + 1)
    for i in range(2, int(n ** 0.5) + 1):
        if flags[i]:
            for j in range(i * i, n + 1, i):
                flags[j] = False
    return sum(flags) - 2


def words(n):
    counts = {}
    for i in range(n):
        word = f"w{i % 97}"
        counts[word] = counts.get(word, 0) + 1
    return len(counts)


r1 = fib(int(24 + 4 * SCALE ** 0.25))
r2 = sieve(int(4_000_000 * SCALE))
r3 = words(int(1_500_000 * SCALE))
print(r1, r2, r3)
