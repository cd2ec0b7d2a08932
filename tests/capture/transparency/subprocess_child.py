import subprocess
import sys
out = subprocess.run([sys.executable, "-c", "print('child says hi')"], capture_output=True, text=True)
print(out.stdout.strip(), out.returncode)
