import os
import sys
print(sys.path[0] == os.path.dirname(os.path.realpath(__file__)), sys.path[0] in sys.path[1:])
