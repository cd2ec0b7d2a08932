total = 0
def add(n):
    global total
    total += n
def reset():
    global total
    del total
add(3)
add(4)
print(total)
reset()
print("total" in globals())
