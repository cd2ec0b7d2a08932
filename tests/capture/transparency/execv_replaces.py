# status: exec
import os
import sys
print("before exec", flush=True)
os.execv(sys.executable, [sys.executable, "-c", "print('after exec')"])
