"""numpy workload: matrix products, reductions and element-wise math at top level."""
import sys

import numpy as np

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rng = np.random.default_rng(0)
n = int(900 * SCALE ** 0.5)
a = rng.standard_normal((n, n))
b = rng.standard_normal((n, n))
for _step in range(int(12 * SCALE ** 0.5)):
    c = a @ b
    a = np.tanh(c / n)
    b = b + a.T * 0.5
total = float(np.abs(a).sum() + np.abs(b).sum())
print(round(total, 3))
