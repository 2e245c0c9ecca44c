"""`python -m thoth_graphql` is the `thoth-graphql` command."""

from thoth_graphql.cli import main

main()
