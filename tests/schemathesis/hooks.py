"""Schemathesis hooks for the services' run (tests/js/schemathesis.test.mjs loads this module by
SCHEMATHESIS_HOOKS=hooks, from this folder).

Every request that carries an Idempotency-Key gets a fresh one, unless the key itself is what a
negative case made invalid. Schemathesis draws header values from a small pool, so it sends the
same key ("0", "A", ...) with many different bodies: the services would rightly answer such a
reuse 422 (another payload) or replay the first answer (a 201 for a connection a later DELETE
removed), which Schemathesis then reports as refused valid data or as a vanished resource. A real
client makes one key per logical request, as this does; replays are tested by the attack suite.
"""

import re
import uuid

import schemathesis

# The form openapi.json gives the header: 1 to 255 visible ASCII characters.
VALID_KEY = re.compile(r"[!-~]{1,255}")


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers:
        return
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and VALID_KEY.fullmatch(headers[name]):
            headers[name] = str(uuid.uuid4())
