"""Acceptance workload: scikit-learn fit/predict of a scaler, a linear model and a forest on synthetic data."""
import sys

from sklearn.datasets import make_regression
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
X, y = make_regression(n_samples=int(10_000 * SCALE), n_features=40, noise=5.0, random_state=3)
xtrain, xtest, ytrain, ytest = train_test_split(X, y, test_size=0.25, random_state=3)
scaler = StandardScaler()
xtrain_s = scaler.fit_transform(xtrain)
xtest_s = scaler.transform(xtest)
ridge = Ridge(alpha=1.0)
ridge.fit(xtrain_s, ytrain)
ridge_r2 = r2_score(ytest, ridge.predict(xtest_s))
forest = RandomForestRegressor(n_estimators=max(5, int(20 * SCALE)), max_depth=8, random_state=3, n_jobs=1)
forest.fit(xtrain, ytrain)
forest_r2 = r2_score(ytest, forest.predict(xtest))
print(round(ridge_r2, 4), round(forest_r2, 4))
