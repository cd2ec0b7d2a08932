"""Acceptance workload: pandas groupby, merge and rolling on 400k rows (at scale 1), at top level."""
import sys

import numpy as np
import pandas as pd

SCALE = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rows = int(400_000 * SCALE)
rng = np.random.default_rng(2)
sales = pd.DataFrame({
    "store": rng.integers(0, 500, rows),
    "day": rng.integers(0, 365, rows),
    "units": rng.poisson(3.0, rows),
    "price": rng.gamma(2.0, 5.0, rows).round(2),
})
sales["revenue"] = sales["units"] * sales["price"]
stores = pd.DataFrame({"store": np.arange(500), "region": rng.choice(["n", "s", "e", "w"], 500),
                       "size": rng.integers(50, 500, 500)})
daily = sales.groupby(["store", "day"], as_index=False)["revenue"].sum()
daily = daily.sort_values(["store", "day"])
daily["trend"] = daily.groupby("store")["revenue"].transform(lambda s: s.rolling(7, min_periods=1).mean())
joined = daily.merge(stores, on="store", how="left")
by_region = joined.groupby("region").agg(revenue=("revenue", "sum"), trend=("trend", "mean"))
per_m2 = joined["revenue"].sum() / joined["size"].sum()
print(by_region.round(1).to_string(), round(float(per_m2), 3))
