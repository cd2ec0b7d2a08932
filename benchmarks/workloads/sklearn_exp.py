"""A small ML experiment with pandas and scikit-learn on a bundled dataset (diabetes): load, engineer
features, split, fit a few models over a hyperparameter grid, cross-validate, pick the best, save results."""
import sys

import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.preprocessing import StandardScaler

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
seed = 42
n_alphas = max(2, int(8 * SCALE))
n_trees = max(5, int(60 * SCALE))

data = load_diabetes(as_frame=True)
df = data.frame.copy()
df["bmi_bp"] = df["bmi"] * df["bp"]
df["age_sq"] = df["age"] ** 2
df = df.dropna()
features = [c for c in df.columns if c != "target"]
X = df[features]
y = df["target"]
xtrain, xtest, ytrain, ytest = train_test_split(X, y, test_size=0.25, random_state=seed)
scaler = StandardScaler()
scaler.fit(xtrain)
xtrain_s = scaler.transform(xtrain)
xtest_s = scaler.transform(xtest)

results = []
for alpha in np.logspace(-3, 2, n_alphas):
    model = Ridge(alpha=alpha)
    cv = cross_val_score(model, xtrain_s, ytrain, cv=5, scoring="r2")
    model.fit(xtrain_s, ytrain)
    pred = model.predict(xtest_s)
    results.append({"model": "ridge", "alpha": float(alpha), "cv_r2": cv.mean(),
                    "test_r2": r2_score(ytest, pred), "rmse": mean_squared_error(ytest, pred) ** 0.5})

forest = RandomForestRegressor(n_estimators=n_trees, max_depth=6, random_state=seed, n_jobs=1)
forest.fit(xtrain, ytrain)
forest_pred = forest.predict(xtest)
results.append({"model": "forest", "alpha": None, "cv_r2": None,
                "test_r2": r2_score(ytest, forest_pred), "rmse": mean_squared_error(ytest, forest_pred) ** 0.5})

table = pd.DataFrame(results).sort_values("test_r2", ascending=False)
best = table.iloc[0]
table.to_csv("results.csv", index=False)
print(best["model"], round(float(best["test_r2"]), 4))
