import sys
sys.setrecursionlimit(2500)
def down(n):
    return 0 if n == 0 else 1 + down(n - 1)
print(down(2400), sys.getrecursionlimit())
