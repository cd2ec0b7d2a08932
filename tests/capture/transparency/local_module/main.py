import helpers
from helpers import Scaler, scale
s = Scaler(3)
print(scale([1, 2], 2), s.apply([1, 2]), helpers.calls, helpers.__name__)
