def f():
    try:
        return "try"
    finally:
        print("finally")
def g():
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
        finally:
            print("loop finally", i)
    else:
        print("no break")
    return i
try:
    1 / 0
except ZeroDivisionError as exc:
    print("caught", exc)
else:
    print("else")
print(f(), g())
