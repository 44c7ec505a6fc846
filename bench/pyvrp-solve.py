# Reference runs for the routing benchmark: PyVRP on each Solomon file given, one JSON line per instance on stdout.
# Usage: python pyvrp-solve.py SECONDS SEED FILE...
# PyVRP's reader takes VRPLIB only, so each file is rewritten as VRPLIB in the DIMACS convention (distances, times
# and windows ×10, truncated: the convention urbanflow reads Solomon files in) with the matrix written out.
import json
import math
import os
import sys
import tempfile

import vrplib
from pyvrp import Model, read
from pyvrp.stop import MaxRuntime


def as_vrplib(path):
    inst = vrplib.read_instance(path, instance_format="solomon")
    coords = inst["node_coord"]
    size = len(coords)
    lines = [
        "NAME : " + path.rsplit("/", 1)[-1],
        "TYPE : VRPTW",
        "DIMENSION : %d" % size,
        "VEHICLES : %d" % int(inst["vehicles"]),
        "CAPACITY : %d" % int(inst["capacity"]),
        "EDGE_WEIGHT_TYPE : EXPLICIT",
        "EDGE_WEIGHT_FORMAT : FULL_MATRIX",
        "EDGE_WEIGHT_SECTION",
    ]
    for a in coords:
        lines.append(" ".join(str(int(10 * math.hypot(a[0] - b[0], a[1] - b[1]))) for b in coords))
    lines.append("DEMAND_SECTION")
    lines += ["%d %d" % (i + 1, int(d)) for i, d in enumerate(inst["demand"])]
    lines.append("TIME_WINDOW_SECTION")
    lines += ["%d %d %d" % (i + 1, int(10 * tw[0]), int(10 * tw[1])) for i, tw in enumerate(inst["time_window"])]
    lines.append("SERVICE_TIME_SECTION")
    lines += ["%d %d" % (i + 1, int(10 * s)) for i, s in enumerate(inst["service_time"])]
    lines += ["DEPOT_SECTION", "1", "-1", "EOF"]
    out = tempfile.NamedTemporaryFile("w", suffix=".vrp", delete=False)
    out.write("\n".join(lines) + "\n")
    out.close()
    return out.name


seconds = float(sys.argv[1])
seed = int(sys.argv[2])
for path in sys.argv[3:]:
    converted = as_vrplib(path)
    data = read(converted)
    os.unlink(converted)
    result = Model.from_data(data).solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    best = result.best
    print(json.dumps({"file": path, "distance": best.distance(), "feasible": best.is_feasible(), "routes": best.num_routes()}), flush=True)
