"""The password hasher of the test suite: Argon2 (the production algorithm, so a stored hash still reads
`argon2$…` and verifies the same way) at the smallest cost Argon2 allows. At the production cost each hash takes
~0.15 s of CPU, and the suite creates thousands of users; the cost parameters are stored in each hash, so a user
created here still signs in on a server started with the production settings."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
