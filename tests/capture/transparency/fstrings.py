value = 3.14159
name = "pb"
width = 10
print(f"{value=:.2f} {name!r:>{width}} {'nested ' + f'{name}'} {{literal}}")
