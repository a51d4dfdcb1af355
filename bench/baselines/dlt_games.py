"""The peer: dlt's rest_api source loading the games listing into a filesystem destination on S3.

Configured the way dlt's documentation sets up a paginated JSON API: the json_link paginator
follows `next` (on the sandbox's address rather than the public host its links name),
`data_selector: results` picks the items. Everything else comes from the
environment the benchmark sets (dlt reads DESTINATION__FILESYSTEM__* itself).

Two settings are chosen to make the comparison fair to dlt: nested fields stay JSON in the
row (max_table_nesting=0) because our lake keeps raw pages too, and the snapshot replaces the
table (a snapshot is not an append log).
"""

import os

import dlt
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from dlt.sources.rest_api import rest_api_source

# The sandbox writes its links on RAWG's public host, as RAWG does; they are followed on the sandbox.
PUBLIC_API = "https://api.rawg.io/api/"


class SandboxLinkPaginator(JSONLinkPaginator):
    """dlt's json_link paginator on `next`, with the public host swapped for the API's base URL."""

    def __init__(self, base_url):
        super().__init__(next_url_path="next")
        self.base_url = base_url

    def update_request(self, request):
        if self._next_reference and self._next_reference.startswith(PUBLIC_API):
            self._next_reference = self.base_url + self._next_reference[len(PUBLIC_API):]
        super().update_request(request)


def games_source():
    base_url = os.environ["RAWG_BASE_URL"].rstrip("/") + "/"
    return rest_api_source(
        {
            "client": {
                "base_url": base_url,
                "paginator": SandboxLinkPaginator(base_url),
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
