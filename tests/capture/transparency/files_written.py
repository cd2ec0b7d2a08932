import os
import pathlib
with open("out.txt", "w") as handle:
    handle.write("hello\n")
with open("out.txt", "a") as handle:
    handle.write("more\n")
with open("data.bin", "wb") as handle:
    handle.write(bytes(range(10)))
pathlib.Path("sub").mkdir()
pathlib.Path("sub/p.txt").write_text("via pathlib")
fd = os.open("raw.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, b"raw bytes")
os.close(fd)
print(open("out.txt").read(), sorted(os.listdir(".")))
