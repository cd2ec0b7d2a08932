"""Fit a linear regression on scikit-learn's bundled diabetes data and write its metrics next to this file."""

import json
import sys
from pathlib import Path

from sklearn.datasets import load_diabetes
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import train_test_split

test_size = float(sys.argv[1]) if len(sys.argv) > 1 else 0.33
data = load_diabetes()
X = data.data[:, 2:3]
y = data.target
xtrain, xtest, ytrain, ytest = train_test_split(X, y, test_size=test_size, random_state=32)
regr = LinearRegression()
regr.fit(xtrain, ytrain)
pred = regr.predict(xtest)
mse = mean_squared_error(ytest, pred)
r2 = r2_score(ytest, pred)
out = Path(__file__).with_name("metrics.json")
with open(out, "w") as f:
    json.dump({"mse": mse, "r2": r2, "test_size": test_size}, f)
print(f"mse={mse:.1f} r2={r2:.3f}")
