// graphql-http's server audit of the GraphQL over HTTP specification, against a live server.
// Usage: node tests/graphql_http_audit.mjs URL   (URL: the GraphQL endpoint, e.g. .../graphql)
// Prints one JSON array: each audit's id, name ("MUST ...", "SHOULD ...", "MAY ...") and
// status ("ok", or "error" for a MUST, "warn" for a SHOULD, "notice" for a MAY), with the
// reason and the answer's status when it did not pass. Run by tests/test_graphql_http.py.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node graphql_http_audit.mjs URL');
  process.exit(2);
}

const results = await auditServer({ url });
const report = results.map((result) =>
  result.status === 'ok'
    ? { id: result.id, name: result.name, status: result.status }
    : {
        id: result.id,
        name: result.name,
        status: result.status,
        reason: result.reason,
        responseStatus: result.response.status,
      },
);
console.log(JSON.stringify(report));
