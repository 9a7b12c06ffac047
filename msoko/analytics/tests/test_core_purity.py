"""The analytical core is pure: importing it must not load Django."""

import subprocess
import sys


def test_the_core_does_not_import_django():
    modules = ", ".join(f"msoko.analytics.core.{m}" for m in ("io", "shnor", "typology", "settings"))
    code = f"import sys, {modules}; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
