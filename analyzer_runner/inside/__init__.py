"""Programs that run inside the sandbox: standard library only, copied into a job's inputs.

They must not import analyzer_runner (it is not visible in the sandbox) and they trust
nothing they read; the runner in turn trusts nothing they write.
"""

from importlib import resources


def program(name: str) -> bytes:
    """The source of one of these programs, to copy into a workspace."""
    return resources.files(__name__).joinpath(name).read_bytes()
