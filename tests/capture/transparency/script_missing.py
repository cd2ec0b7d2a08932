# argv: not_here.py
# status: none
