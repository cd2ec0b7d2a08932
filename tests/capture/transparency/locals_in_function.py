# xfail1: at granularity 1 the instrumented function keeps its scope in the local __pb_s__ (instrument.py change described in the report)
def f(a, b=2):
    c = a + b
    return sorted(locals())
def g():
    x = 1
    return list(vars().keys())
print(f(1), g())
print(sorted(locals()) == sorted(globals()))
