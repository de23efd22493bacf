#!/usr/bin/env python3
"""Write data/sample/transactions.csv: a few transfers, licences and equity deals
(SPEC §9) on granted, in-force inventions of the sample's universities, picked
deterministically from portfolio.csv (run after make_sample.py)."""
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.DictReader(open(os.path.join(HERE, "portfolio.csv"), encoding="utf-8")))
picked = {}
for r in rows:
    if r["kind"] != "发明" or r["status"] != "有效" or not r["grant_date"] or not r["app_no"]:
        continue
    holder = r["holders"].split(";")[0]
    if "大学" in holder and len(picked.setdefault(holder, [])) < 4:
        picked[holder].append(r["app_no"])

deals = [  # (type, date, counterparty, received 万元); one per picked patent, in turn
    ("transfer", "2025-03-18", "深圳市创新科技有限公司", "120"),
    ("licence", "2025-06-30", "华为技术有限公司", "45.5"),
    ("equity", "2025-09-09", "杭州未来材料有限公司", "600"),
    ("licence", "2024-11-02", "比亚迪股份有限公司", "30"),
]
out = []
for k, (holder, numbers) in enumerate(sorted(picked.items())):
    for j, number in enumerate(numbers):
        kind, date, party, received = deals[(j + k) % len(deals)]
        out.append([number, kind, date, party, received, received])
with open(os.path.join(HERE, "transactions.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["patent", "type", "date", "counterparty", "amount_wan", "received_wan"])
    w.writerows(out)
print(f"transactions.csv: {len(out)} rows")
