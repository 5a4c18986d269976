"""Schemathesis hooks for the services' run: tests/js/schemathesis.test.mjs loads this module
(SCHEMATHESIS_HOOKS=hooks, with this folder on PYTHONPATH). Both hooks mend what Schemathesis
4.32.5 generates, never what it checks.
"""

import re
import uuid

import schemathesis

# The forms pkg-template/service/openapi.json gives the two headers.
IDEMPOTENCY_KEY = re.compile(r"[!-~]{1,255}")
IF_MATCH_FORM = re.compile(r'\*|"[1-9][0-9]{0,15}"')


def _header(headers, wanted):
    return next((name for name in headers if name.lower() == wanted), None)


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = case.headers
    if not headers:
        return

    # A fresh Idempotency-Key for every request, unless the key itself is what a negative case made
    # invalid. Schemathesis draws header values from a small pool, so it sends the same key ("0",
    # "A", ...) with many different bodies: the services rightly answer such a reuse 422 (another
    # payload) or replay the first answer (a 201 for a connection a later DELETE removed), which
    # Schemathesis then reports as refused valid data or as a vanished resource. A real client makes
    # one key per logical request, as this does; replays are the attack suite's to test.
    name = _header(headers, "idempotency-key")
    if name is not None and isinstance(headers[name], str) and IDEMPOTENCY_KEY.fullmatch(headers[name]):
        headers[name] = str(uuid.uuid4())

    # The coverage phase makes header values of letters and digits only. If-Match has no valid value
    # of that kind (`*` or `"3"`), so it seeds the optional header with one of its invalid values
    # ("If-Match: 0") and sends that in the cases it calls valid, which the services rightly refuse
    # (400). In a positive case such a value is dropped: the header is optional, so the request is
    # then the valid one Schemathesis meant. Negative cases keep theirs.
    name = _header(headers, "if-match")
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if name is not None and positive and not (isinstance(headers[name], str) and IF_MATCH_FORM.fullmatch(headers[name])):
        del headers[name]
