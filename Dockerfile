# kommunedigi: the API as a small image. Build: docker build -t kommunedigi .
# SQLite by default (data in the /data volume); set KOMMUNEDIGI_DATABASE_URL for another database.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api api
COPY models models
COPY seed seed
COPY openapi openapi
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 kommunedigi \
    && mkdir /data && chown kommunedigi /data
USER 10001
WORKDIR /data
VOLUME ["/data"]
ENV KOMMUNEDIGI_DATABASE_URL=sqlite:////data/kommunedigi.sqlite3 \
    KOMMUNEDIGI_WORKERS=2 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=2).status != 200)"]
# Rate limits count per client address: behind a reverse proxy, add "--proxy-headers" and set
# FORWARDED_ALLOW_IPS to the proxy's address, or every request counts as the proxy's. With
# several workers, KOMMUNEDIGI_RATE_LIMIT_STORAGE=redis://… makes them count together.
CMD ["kommunedigi", "serve", "--host", "0.0.0.0", "--port", "8000"]
