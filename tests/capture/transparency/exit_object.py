import sys
class Reason:
    def __str__(self):
        return "custom reason"
sys.exit(Reason())
