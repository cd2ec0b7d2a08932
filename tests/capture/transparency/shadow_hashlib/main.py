import hashlib
print(hashlib.sha256(b"x"), hashlib.__name__)
