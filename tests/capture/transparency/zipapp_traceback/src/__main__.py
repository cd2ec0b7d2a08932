def boom():
    raise KeyError("inside the zip")
boom()
