"""The core modules added for analysis runs stay pure: importing them must not load Django."""

import subprocess
import sys


def test_new_core_modules_do_not_import_django():
    modules = ", ".join(f"msoko.analytics.core.{m}" for m in ("risk", "status_change", "index_uncertainty"))
    code = f"import sys, {modules}; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
