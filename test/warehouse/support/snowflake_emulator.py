"""Stand-in raw tables and queries for the Snowflake emulator (fakesnow), run with .venv's python.

  python snowflake_emulator.py load LAKE_DIR   one table RAW.<ENDPOINT> per endpoint folder of a
                                               local lake, shaped as the external tables: VALUE
                                               variant (one page, or one item of a per-item
                                               endpoint), LOAD varchar, DATE date; and
                                               RAW.<ENDPOINT>_COMPACT from its compacted parts
  python snowflake_emulator.py query SQL...    prints each statement's rows as one JSON line

Connection settings come from the SNOWFLAKE_* variables that dbt's prod profile reads. fakesnow
has no external tables or stages, so the pages are inserted as rows of plain tables instead.
"""
import datetime
import decimal
import glob
import json
import os
import re
import sys

import snowflake.connector


def connect():
    return snowflake.connector.connect(
        account=os.environ["SNOWFLAKE_ACCOUNT"],
        user=os.environ["SNOWFLAKE_USER"],
        password=os.environ["SNOWFLAKE_PASSWORD"],
        host=os.environ["SNOWFLAKE_HOST"],
        port=int(os.environ["SNOWFLAKE_PORT"]),
        protocol=os.environ["SNOWFLAKE_PROTOCOL"],
        database=os.environ["SNOWFLAKE_DATABASE"],
    )


def load(lake_dir):
    database = os.environ["SNOWFLAKE_DATABASE"]
    cursor = connect().cursor()
    cursor.execute(f"create database if not exists {database}")
    cursor.execute(f"create schema if not exists {database}.RAW")
    for endpoint in sorted(os.listdir(os.path.join(lake_dir, "raw"))):
        table = f"{database}.RAW.{endpoint.upper()}"
        cursor.execute(f"create or replace table {table} (VALUE variant, LOAD varchar, DATE date)")
        # A partition's pages sit in it or, for a snapshot read in windows, one folder deeper; a
        # per-item endpoint's batch holds one item a file (its .gone records and markers stay out).
        pages = sorted(glob.glob(os.path.join(lake_dir, "raw", endpoint, "load=*", "date=*", "**", "page=*.json"), recursive=True))
        pages += sorted(glob.glob(os.path.join(lake_dir, "raw", endpoint, "load=items", "date=*", "item=*.json")))
        for page in pages:
            partition = re.search(r"load=([^/]+)/date=([^/]+)/", page)
            with open(page, encoding="utf-8") as body:
                cursor.execute(
                    f"insert into {table} (VALUE, LOAD, DATE) select parse_json(%s), %s, %s",
                    (body.read(), partition.group(1), partition.group(2)),
                )
        print(f"{table}: {len(pages)} pages")
    # Terraform creates an external table for every endpoint of config/endpoints.json, pages or not.
    config = os.path.join(os.path.dirname(__file__), "..", "..", "..", "config", "endpoints.json")
    with open(config, encoding="utf-8") as endpoints:
        for endpoint in json.load(endpoints)["endpoints"]:
            cursor.execute(f"create table if not exists {database}.RAW.{endpoint['name'].upper()} (VALUE variant, LOAD varchar, DATE date)")
    load_compacted(cursor, database, lake_dir)


def load_compacted(cursor, database, lake_dir):
    """RAW.<ENDPOINT>_COMPACT per endpoint folder of compact/, shaped as the Parquet external
    tables: VALUE the row ({key, page}), LOAD and DATE from the part's key. Only partitions whose
    _SUCCESS is written are loaded, as dbt reads only those."""
    import duckdb

    root = os.path.join(lake_dir, "compact")
    for endpoint in sorted(os.listdir(root)) if os.path.isdir(root) else []:
        table = f"{database}.RAW.{endpoint.upper()}_COMPACT"
        cursor.execute(f"create or replace table {table} (VALUE variant, LOAD varchar, DATE date)")
        rows = 0
        for marker in sorted(glob.glob(os.path.join(root, endpoint, "load=*", "date=*", "_SUCCESS"))):
            folder = os.path.dirname(marker)
            partition = re.search(r"load=([^/]+)/date=([^/]+)$", folder)
            for key, page in duckdb.sql(f"select key, page from read_parquet('{folder}/part-*.parquet') order by key").fetchall():
                cursor.execute(
                    f"insert into {table} (VALUE, LOAD, DATE) select object_construct('key', %s, 'page', %s), %s, %s",
                    (key, page, partition.group(1), partition.group(2)),
                )
                rows += 1
        print(f"{table}: {rows} compacted pages")


def plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def query(statements):
    cursor = connect().cursor()
    for sql in statements:
        cursor.execute(sql)
        names = [column[0].lower() for column in cursor.description]
        rows = [{name: plain(value) for name, value in zip(names, row)} for row in cursor.fetchall()]
        print(json.dumps(rows))


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2])
    else:
        query(sys.argv[2:])
