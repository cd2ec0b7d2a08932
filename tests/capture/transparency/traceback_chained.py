class AppError(Exception):
    pass
def parse(text):
    try:
        return int(text)
    except ValueError as exc:
        raise AppError(f"bad number {text!r}") from exc
def load():
    try:
        parse("x")
    except AppError:
        raise RuntimeError("load failed")
load()
