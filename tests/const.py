"""Values shared by the tests."""

from typing import Final

# A distinctive token: the autouse leak check fails any test whose logs contain it.
TOKEN: Final = "sEcReT-t0ken-for-tests-7f3a"
CLIENT_IDENTIFIER: Final = "test-client-identifier"
MACHINE_IDENTIFIER: Final = "simulated0machine0identifier0001"
FRIENDLY_NAME: Final = "Plex Simulator"
# The plex.tv account token of the stand-in's account, and a shared server's own token.
ACCOUNT_TOKEN: Final = "pLeXtV-account-t0ken-for-tests-9c1e"
SHARED_TOKEN: Final = "sHaReD-server-t0ken-for-tests-44b0"
