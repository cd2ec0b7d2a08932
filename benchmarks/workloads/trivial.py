"""A trivial script: what remains is fixed start-up cost."""
x = 1
print(x)
