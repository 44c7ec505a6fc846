# Schemathesis hooks of test/api/schemathesis.test.ts. The run authenticates with one operator key; revoking that key
# (DELETE /v1/keys/{id}, its id being listed by GET /v1/keys) would end the run's access, the way fuzzers are kept away
# from their own logout. Every other key, created by the run or not, stays fair game.
import os

import schemathesis

OWN_KEY_ID = os.environ["UF_SCHEMATHESIS_KEY_ID"]


@schemathesis.hook
def filter_case(context, case):
    return not (case.method.upper() == "DELETE" and case.path == "/v1/keys/{id}" and (case.path_parameters or {}).get("id") == OWN_KEY_ID)


# Bounded run time on two cores: a valid `?wait=` above 1 s becomes 1 s and a valid solver budget above 1 s becomes 1 s.
# Longer values only hold a worker or the solver pool without reaching other code; out-of-range values (negative
# tests) are left as generated.
@schemathesis.hook
def map_query(context, query):
    if query and isinstance(query.get("wait"), (int, float)) and not isinstance(query.get("wait"), bool) and 1 < query["wait"] <= 60:
        query = {**query, "wait": 1}
    return query


@schemathesis.hook
def map_body(context, body):
    if isinstance(body, dict) and isinstance(body.get("timeLimitSeconds"), (int, float)) and not isinstance(body.get("timeLimitSeconds"), bool) and 1 < body["timeLimitSeconds"] <= 120:
        body = {**body, "timeLimitSeconds": 1}
    return body
