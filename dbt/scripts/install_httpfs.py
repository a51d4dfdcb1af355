"""Install DuckDB's httpfs extension from its PyPI package into the project's extension folder.

Run with the venv's python: `python install_httpfs.py EXTENSION_DIRECTORY`. DuckDB's own INSTALL
would download from extensions.duckdb.org; copying the wheel's file keeps every install offline.
"""
import pathlib
import sys

import duckdb
import duckdb_extension_httpfs

extension_directory = sys.argv[1]
package_folder = pathlib.Path(duckdb_extension_httpfs.__file__).parent
built_for = f"extensions/v{duckdb.__version__}/httpfs.duckdb_extension"
extension_file = package_folder / built_for
if not extension_file.is_file():
    sys.exit(f"duckdb-extension-httpfs has no {built_for}: pin it to duckdb {duckdb.__version__}")

connection = duckdb.connect(config={"extension_directory": extension_directory, "autoinstall_known_extensions": False})
connection.execute(f"INSTALL '{extension_file}'")
connection.execute("LOAD httpfs")  # proves the copy is loadable by this duckdb
print(f"httpfs {duckdb.__version__} installed in {extension_directory}")
