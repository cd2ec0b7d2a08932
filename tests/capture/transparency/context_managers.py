import contextlib
@contextlib.contextmanager
def tag(name):
    print("<" + name + ">")
    try:
        yield name.upper()
    finally:
        print("</" + name + ">")
with tag("a") as a, tag("b") as b:
    print(a, b)
with contextlib.suppress(KeyError):
    {}["x"]
with contextlib.ExitStack() as stack:
    for n in "xy":
        stack.enter_context(tag(n))
    print("inside stack")
