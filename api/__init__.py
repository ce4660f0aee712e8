"""The web side: the app factory and the command, the kit the adapters share, the HTTP
machinery (http), the adapters (rest, graphql, web) and the file formats (formats).

docs/architecture.md says what each part holds and may import."""
