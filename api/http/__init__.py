"""HTTP machinery around every adapter: the middleware (caching, the response cache,
compression, CORS, security headers, rate and body limits, the access log), the lists of
headers they share, and uvicorn's protocol with our limits (server).

It may use the kit (api.problems, api.settings) and models, never an adapter.
"""
