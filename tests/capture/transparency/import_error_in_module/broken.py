def setup():
    return {}["config"]
VALUE = setup()
