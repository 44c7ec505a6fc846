# Schemathesis hooks of test/api/schemathesis.test.ts. The run authenticates with one operator key; revoking that key
# (DELETE /v1/keys/{id}, its id being listed by GET /v1/keys) would end the run's access, the way fuzzers are kept away
# from their own logout. Every other key, created by the run or not, stays fair game.
import os

import schemathesis

OWN_KEY_ID = os.environ["UF_SCHEMATHESIS_KEY_ID"]


@schemathesis.hook
def filter_case(context, case):
    return not (case.method.upper() == "DELETE" and case.path == "/v1/keys/{id}" and (case.path_parameters or {}).get("id") == OWN_KEY_ID)
