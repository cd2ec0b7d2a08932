import os
import sys
print(os.path.basename(__file__), os.path.isabs(__file__))
print(os.path.dirname(__file__) == sys.path[0])
print(__cached__, __package__, __spec__)
