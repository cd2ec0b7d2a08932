def fail():
    raise ValueError("from a module run with -m")
fail()
