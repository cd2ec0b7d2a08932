# xfail1: at granularity 1 a generator finalized at interpreter exit runs its hooks after Python restored builtins (recorder/instrument helper)
def forever():
    try:
        while True:
            yield 1
    finally:
        print("generator finalized")
g = forever()
next(g)
print("end of script")
