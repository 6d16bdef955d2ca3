#!/usr/bin/env bash
# Writes two VOSS bundles with tools other than licaudit's own writer, from
# FORMATS.md alone: one with Python's zipfile (GNU .hash lines from hashlib),
# one with the zip command and sha256sum --tag (BSD .hash lines). The
# outputs are checked in; CI only reads them. Re-run from this directory.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf python-zipfile zip-command work
python3 make_python.py python-zipfile

# The zip command, with the export's directory layout and BSD tag hashes.
ts=2026-09-01_0300
stem=Telco_East_voss-02
mkdir -p work/${ts}_license zip-command
d=work/${ts}_license
cat > $d/vlf_${stem}_license_${ts}.json <<'JSON'
{
  "meta": {
    "datetime": "2026-09-01 03:00:12",
    "export_identifier": "0b5d7a64-2f0e-4c8e-9a51-4f4d7c2b9e10",
    "pipeline_type_name": "license_initial_audit"
  },
  "resources": [
    {"name": "License Subscriber Profile Data Export", "rows": [{"pkid": "64f0c2a1b3d4e5f601234567", "subscribers": 12}]},
    {"name": "License Standalone Phone Data Export", "rows": []}
  ]
}
JSON
printf '{ "meta": {}, "resources": [] }' > $d/vlf_${stem}_patch_${ts}.json
printf '{"meta": {"note": "adaptations"}, "resources": [{"name": "CUCM Sync", "description": "Phone sync adaptation"}]}\n' > $d/vlf_${stem}_adaptation_log_${ts}.json
cat > $d/vlf_${stem}_anonymous_${ts}.csv <<'CSV'
#Platform ID=5d2e0f1c9b8a7d6c5b4a3f2e
#hostname=voss-02
#Provider Name=Telco_East
#Software Version=19.3.4
#Date Time=2026-09-01 03:00
#Audit Version=3.0.0
Customer PKID,One Phone (No VM & No WebEx & No Spark),One Phone & VM (No WebEx),Multiple Phones
64f0c2a1b3d4e5f601234567,12,3,0
64f0c2a1b3d4e5f601234568,0,0,7
CSV
cat > zip-command/vlf_${stem}_detailed_${ts}.csv <<'CSV'
#Platform ID=5d2e0f1c9b8a7d6c5b4a3f2e
#hostname=voss-02
#Provider Name=Telco_East
#Software Version=19.3.4
#Date Time=2026-09-01 03:00
#Audit Version=3.0.0
Provider,Reseller,Customer,Customer PKID,One Phone (No VM & No WebEx & No Spark),One Phone & VM (No WebEx),Multiple Phones
Telco_East,Reseller North,Harbour Freight Lines,64f0c2a1b3d4e5f601234567,12,3,0
Telco_East,Reseller North,"Quay, Dock & Partners",64f0c2a1b3d4e5f601234568,0,0,7
CSV
(cd $d && for f in *.json *.csv; do sha256sum --tag "$f" > "$f.hash"; done)
touch -d '2026-09-01 03:00:00 UTC' $d $d/*
(cd work && TZ=UTC zip -q -X -r ../zip-command/vlf_${stem}_license_${ts}.zip ${ts}_license)
rm -rf work
