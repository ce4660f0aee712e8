"""HTTP and GraphQL: the app factory, routes, GraphQL schema, settings and the CLI."""
