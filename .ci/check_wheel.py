"""Build the wheel a `pip install .` would install and check it ships what a shop needs."""

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REQUIRED = [
    "oscar_lifecycle/migrations/0001_initial.py",
    "oscar_lifecycle/templates/oscar_lifecycle/email/base.html",
    "oscar_lifecycle/templates/oscar_lifecycle/preview/journey.html",
    "oscar_lifecycle/locale/fr/LC_MESSAGES/django.mo",
    "oscar_lifecycle/static/oscar_lifecycle/trigger_settings.js",
]

with tempfile.TemporaryDirectory() as wheel_dir:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheel_dir, "."], check=True
    )
    [wheel] = Path(wheel_dir).glob("oscar_lifecycle-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
        # setuptools puts it in .dist-info/ or, from metadata 2.4 on, in .dist-info/licenses/
        licenses = [archive.read(name).decode() for name in shipped
                    if ".dist-info/" in name and name.endswith("/LICENSE")]
missing = [name for name in REQUIRED if name not in shipped]
if not any(license_text.startswith("BSD 3-Clause License") for license_text in licenses):
    missing.append("the BSD-3-Clause LICENSE in the .dist-info")
stray = sorted({name.split("/")[0] for name in shipped if not name.startswith("oscar_lifecycle")})
if missing or stray:
    sys.exit(f"The wheel misses {missing} or ships stray top-level folders {stray}")
print(f"wheel ok: {wheel.name}, {len(shipped)} files")
