"""Settings for building the region-scale demo quickly: msoko's own settings, with one change.

The demo creates a login for every organisation (2,344 for 1,500 schools); Django's default
PBKDF2 (1,000,000 iterations) spends about a second of CPU on each on this machine. Here new
passwords are hashed with the same algorithm and 1,000 iterations; the hashes verify with the
ordinary settings (the iteration count is stored in the hash) and are upgraded at the first login.
Only for benchmark databases:

    PYTHONPATH=bench/load DJANGO_SETTINGS_MODULE=bench_settings msoko demo --schools 1500 ...
"""

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from msoko.settings import *  # noqa: F403


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1_000


PASSWORD_HASHERS = ["bench_settings.QuickPBKDF2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
