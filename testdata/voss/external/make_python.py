"""Writes a VOSS bundle with Python's zipfile, following FORMATS.md only."""
import hashlib
import json
import os
import sys
import zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
ts = "2026-10-01_0300"
stem = "ACME-Hosting_voss_uk_1"  # provider ACME-Hosting, host voss_uk_1
d = f"{ts}_license/"

meta_lines = [
    "#OrgID=66a1f0c2b3d4e5f6a7b8c9d0",
    "#Platform ID=5f1e2d3c4b5a69788796a5b4",
    "#hostname=voss_uk_1",
    "#Provider Name=ACME-Hosting",
    "#Software Version=21.1.2",
    "#Platform Version=21.1.2-1617722134",
    "#Deployment Mode=Enterprise",
    "#Date Time=2026-10-01 03:00",
    "#License Token=2c7f0e1a9b3d",
    "#License Expiry=2027-10-01",
    "#Audit Version=4.1.5",
]
columns = ["One Phone & WebEx", "Multiple Phones", "Users With More Than 10 Phones"]
customers = [
    ("ACME-Hosting", "Blue Reseller", "Orchard Bakery", "6512a0b1c2d3e4f5a6b7c8d9", [4, 1, 0]),
    ("ACME-Hosting", "Blue Reseller", "Kestrel Shipping", "6512a0b1c2d3e4f5a6b7c8da", [0, 9, 2]),
    ("ACME-Hosting", "Green Partner", "Moor & Fen Surveys", "6512a0b1c2d3e4f5a6b7c8db", [17, 0, 0]),
]

def csv_text(detailed):
    rows = list(meta_lines)
    head = (["Provider", "Reseller", "Customer"] if detailed else []) + ["Customer PKID"] + columns
    rows.append(",".join(head))
    for prov, res, cust, pkid, counts in customers:
        cells = ([prov, res, cust] if detailed else []) + [pkid] + [str(c) for c in counts]
        rows.append(",".join(cells))
    return ("\r\n".join(rows) + "\r\n").encode()

license_doc = {
    "meta": {
        "datetime": "2026-10-01T03:00:05.123456+00:00",
        "export_identifier": "3f8e2b1c-7d6a-4e5f-8a9b-0c1d2e3f4a5b",
        "pipeline_type_name": "license_initial_audit",
    },
    "resources": [
        {"name": "License Subscriber Profile Data Export", "count": 3},
        {"name": "License Contact Center Data Export", "count": 1},
    ],
}
members = {
    f"vlf_{stem}_license_{ts}.json": json.dumps(license_doc, indent=4).encode(),
    f"vlf_{stem}_patch_{ts}.json": json.dumps({"meta": {}, "resources": [{"name": "PB-21.1.2-7", "description": "Security bundle"}]}).encode(),
    f"vlf_{stem}_adaptation_log_{ts}.json": b'{ "meta": {}, "resources": [] }',
    f"vlf_{stem}_anonymous_{ts}.csv": csv_text(False),
}
with zipfile.ZipFile(os.path.join(out, f"vlf_{stem}_license_{ts}.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in members.items():
        info = zipfile.ZipInfo(d + name, date_time=(2026, 10, 1, 3, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
        digest = hashlib.sha256(data).hexdigest()
        info = zipfile.ZipInfo(d + name + ".hash", date_time=(2026, 10, 1, 3, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, f"{digest}  {name}\n")
with open(os.path.join(out, f"vlf_{stem}_detailed_{ts}.csv"), "wb") as f:
    f.write(csv_text(True))
