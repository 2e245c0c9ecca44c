"""The client and the bot speak only GraphQL: they import nothing of the server side."""

from __future__ import annotations

import subprocess
import sys

IMPORT = """
import sys
import thoth_graphql.client, thoth_graphql.client.command, thoth_graphql.bot.command
print(" ".join(sorted(sys.modules)))
"""


def test_the_client_and_the_bot_import_no_store_api_or_scorer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", IMPORT], capture_output=True, text=True, check=True
    )
    loaded = done.stdout.split()
    assert "thoth_graphql.client.client" in loaded
    server_side = [
        name
        for name in loaded
        if name.split(".")[0] in {"strawberry", "starlette", "sqlite3", "gremlin_python"}
        or name.startswith(("thoth_graphql.store", "thoth_graphql.api", "thoth_graphql.scorer"))
    ]
    assert server_side == []
