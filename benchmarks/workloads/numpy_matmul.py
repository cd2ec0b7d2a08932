"""Acceptance workload: a numpy matmul loop at top level (matrices rebound every iteration)."""
import sys

import numpy as np

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rng = np.random.default_rng(1)
n = 400
w = rng.standard_normal((n, n)) / n ** 0.5
x = rng.standard_normal((n, 64))
for _step in range(int(1000 * SCALE)):
    h = w @ x
    x = np.maximum(h, 0.0) + 0.01 * x
    x = x / (np.linalg.norm(x) + 1e-9) * 8.0
print(round(float(x.sum()), 3))
