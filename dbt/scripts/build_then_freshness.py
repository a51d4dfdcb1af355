"""`dbt build`, then `dbt source freshness`, in one process on one parse of the project.

`gmp transform` runs it: the freshness check reads only the lake_partitions model the build has
just made, so a second dbt process would start Python and parse the project again for a query
that takes milliseconds. The argument is one JSON object of dbt arguments:
    {"global": [...], "project": [...], "build": [...], "freshness": [...] or null}
global flags come before each command, project flags after it. dbt's log goes to stdout as the
dbt command prints it. The exit code is the build's, as dbt's own: 0 done, 1 a node failed,
2 dbt could not run. The freshness verdict is in sources.json whatever it says; it is not
checked when the build could not run.
"""

import json
import sys

import lifeline

# Before dbt is imported (seconds): from here on, this process does not outlive gmp.
lifeline.hold()

from dbt.cli.main import dbtRunner


def main() -> int:
    args = json.loads(sys.argv[1])
    invoke = lambda runner, command: runner.invoke([*args["global"], *command, *args["project"]])
    parsed = invoke(dbtRunner(), ["parse"])
    if parsed.exception is not None or not parsed.success:
        return 2
    runner = dbtRunner(manifest=parsed.result)
    built = invoke(runner, ["build", *args["build"]])
    if built.exception is not None:
        return 2
    if args["freshness"] is not None:
        invoke(runner, ["source", "freshness", *args["freshness"]])
    return 0 if built.success else 1


if __name__ == "__main__":
    sys.exit(main())
