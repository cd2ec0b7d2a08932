def sha256(data):
    return 'local sha256 ' + data.decode()
