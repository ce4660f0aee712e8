"""The data model, the database and the query layer; knows SQL, nothing of HTTP."""
