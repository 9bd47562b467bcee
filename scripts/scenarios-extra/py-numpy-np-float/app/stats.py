import numpy as np

THRESHOLD = np.float("0.75")


def score(values):
    arr = np.asarray(values, dtype=np.float)
    return float((arr > THRESHOLD).mean()) if arr.size else 0.0
