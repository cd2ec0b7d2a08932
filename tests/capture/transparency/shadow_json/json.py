LOCAL = 'the local json'

def dumps(obj):
    return 'local dumps of ' + repr(obj)
