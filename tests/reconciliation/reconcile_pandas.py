#!/usr/bin/env python3
"""The pandas peer of `reconsolectl bench reconcile`.

Runs the exact and tolerance rules of docs/reconciliation.md (the defaults: 50 minor units,
3 days) over the ledger.csv and transactions.csv that `bench reconcile --out DIR` wrote: each
row used once, contested pairs taken in order of date gap, amount gap, ledger id, transaction
id. Prints JSON: the counts (which must equal the engine's) and the times.

    python3 tests/reconciliation/reconcile_pandas.py DIR
"""
import json
import sys
import time

import pandas as pd

TOLERANCE_MINOR = 50
WINDOW_DAYS = 3


def read(path):
    frame = pd.read_csv(path, dtype={"reference": str, "currency": str, "description": str},
                        keep_default_na=False)
    frame["ref"] = frame["reference"].str.strip().str.upper()
    frame["currency"] = frame["currency"].str.strip().str.upper()
    frame["day"] = pd.to_datetime(frame["booked_on"], format="%Y-%m-%d").values.astype("int64") // 86_400_000_000_000
    return frame[["id", "ref", "amount_minor", "currency", "day"]]


def accept(pairs):
    """Every row once: pairs no other pair touches as they are, the rest greedily in order."""
    per_left = pairs["id_l"].map(pairs["id_l"].value_counts())
    per_right = pairs["id_r"].map(pairs["id_r"].value_counts())
    alone = (per_left == 1) & (per_right == 1)
    taken = [pairs.loc[alone, ["id_l", "id_r"]]]
    contested = pairs[~alone].sort_values(["day_gap", "amount_gap", "id_l", "id_r"])
    used_l, used_r, chosen = set(), set(), []
    for left, right in zip(contested["id_l"].values, contested["id_r"].values):
        if left in used_l or right in used_r:
            continue
        used_l.add(left)
        used_r.add(right)
        chosen.append((left, right))
    taken.append(pd.DataFrame(chosen, columns=["id_l", "id_r"]))
    return pd.concat(taken, ignore_index=True)


def exact(ledger, txns):
    pairs = ledger[ledger["ref"] != ""].merge(
        txns[txns["ref"] != ""], on=["ref", "amount_minor", "currency"], suffixes=("_l", "_r"))
    pairs["day_gap"] = (pairs["day_l"] - pairs["day_r"]).abs()
    pairs["amount_gap"] = 0
    return accept(pairs)


def tolerance(ledger, txns):
    # Buckets TOLERANCE_MINOR + 1 wide: a pair within the tolerance is in the same or a
    # neighbouring bucket, so three equi-joins find every candidate.
    width = TOLERANCE_MINOR + 1
    for side in (ledger, txns):
        side["sign"] = (side["amount_minor"] > 0).astype(int) - (side["amount_minor"] < 0).astype(int)
        side["bucket"] = side["amount_minor"] // width
    shifted = pd.concat([ledger.assign(bucket=ledger["bucket"] + k) for k in (-1, 0, 1)])
    pairs = shifted.merge(txns, on=["currency", "sign", "bucket"], suffixes=("_l", "_r"))
    pairs["amount_gap"] = (pairs["amount_minor_l"] - pairs["amount_minor_r"]).abs()
    pairs["day_gap"] = (pairs["day_l"] - pairs["day_r"]).abs()
    pairs = pairs[(pairs["amount_gap"] <= TOLERANCE_MINOR) & (pairs["day_gap"] <= WINDOW_DAYS)]
    return accept(pairs)


def main(folder):
    started = time.perf_counter()
    ledger = read(f"{folder}/ledger.csv")
    txns = read(f"{folder}/transactions.csv")
    loaded = time.perf_counter()
    by_ref = exact(ledger, txns)
    ledger = ledger[~ledger["id"].isin(by_ref["id_l"])].copy()
    txns = txns[~txns["id"].isin(by_ref["id_r"])].copy()
    close = tolerance(ledger, txns)
    done = time.perf_counter()
    print(json.dumps({
        "rows": {"ledger": int(len(ledger) + len(by_ref)), "transactions": int(len(txns) + len(by_ref))},
        "matched": {"exact": int(len(by_ref)), "tolerance": int(len(close))},
        "load_ms": round((loaded - started) * 1000),
        "match_ms": round((done - loaded) * 1000),
        "total_ms": round((done - started) * 1000),
        "pandas": pd.__version__,
    }, indent=4))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: reconcile_pandas.py DIR (the folder bench reconcile --out wrote)")
    main(sys.argv[1])
