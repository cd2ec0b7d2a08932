def run():
    raise ExceptionGroup("several", [ValueError("one"), TypeError("two")])
try:
    run()
except* ValueError as eg:
    print("handled", eg.exceptions)
