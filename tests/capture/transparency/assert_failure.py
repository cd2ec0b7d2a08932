def check(value):
    assert value > 10, f"too small: {value}"
check(20)
check(3)
