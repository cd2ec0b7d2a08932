def forever():
    try:
        while True:
            yield 1
    finally:
        print("generator finalized")
g = forever()
next(g)
print("end of script")
