"""The peer: dlt's rest_api source loading the games listing into a filesystem destination on S3.

Configured the way dlt's documentation sets up a paginated JSON API: the json_link paginator
follows `next`, `data_selector: results` picks the items. Everything else comes from the
environment the benchmark sets (dlt reads DESTINATION__FILESYSTEM__* itself).

Two settings are chosen to make the comparison fair to dlt: nested fields stay JSON in the
row (max_table_nesting=0) because our lake keeps raw pages too, and the snapshot replaces the
table (a snapshot is not an append log).
"""

import os

import dlt
from dlt.sources.rest_api import rest_api_source


def games_source():
    return rest_api_source(
        {
            "client": {
                "base_url": os.environ["RAWG_BASE_URL"].rstrip("/") + "/",
                "paginator": {"type": "json_link", "next_url_path": "next"},
            },
            "resource_defaults": {"write_disposition": "replace"},
            "resources": [
                {
                    "name": "games",
                    "endpoint": {
                        "path": "games",
                        # The key goes in the first request only: the API repeats it in `next`.
                        # (dlt's api_key auth would add it again to every next URL, which then
                        # grows by one key a page until the server refuses it.)
                        "params": {
                            "key": os.environ["RAWG_API_KEY"],
                            "page_size": int(os.environ.get("PAGE_SIZE", "40")),
                        },
                        "data_selector": "results",
                    },
                }
            ],
        },
        name="rawg",
        max_table_nesting=0,
    )


def main():
    pipeline = dlt.pipeline(
        pipeline_name="rawg_games",
        pipelines_dir=os.environ["DLT_PIPELINES_DIR"],
        destination="filesystem",
        dataset_name="games_snapshot",
    )
    info = pipeline.run(games_source())
    print(info, flush=True)


if __name__ == "__main__":
    main()
