ns = {}
exec("x = 6 * 7\ndef f():\n    return x", ns)
print(ns["x"], ns["f"](), eval("x + 1", ns))
exec("made_here = 1")
print(made_here, eval("__name__"))
