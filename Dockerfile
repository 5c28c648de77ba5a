# telemon's production image: the API (gunicorn), the Celery worker and Celery beat all run from
# it (see docker-compose.yml). Build: docker build -t telemon .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A non-root user, and the storage directory it writes (photos, outbox; a volume in compose).
RUN useradd --create-home --uid 10001 telemon \
    && install -d -o telemon -g telemon /var/lib/telemon
WORKDIR /app

# Dependencies first, from the pins alone, so that a code change does not reinstall them:
# install an empty telemon to pull in its pinned dependencies, then drop the empty package.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir -p telemon workers && touch telemon/__init__.py workers/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall -y telemon \
    && rm -rf telemon workers build *.egg-info

# The code itself, with its compiled translation catalogs.
COPY telemon ./telemon
COPY workers ./workers
RUN pybabel --quiet compile -d telemon/translations \
    && pip install --no-deps -c constraints.txt . \
    && rm -rf build *.egg-info

USER telemon
# The instance folder (beat schedule) and the storage (photos, outbox) live on the volume.
ENV TELEMON_INSTANCE=/var/lib/telemon TELEMON_STORAGE_DIR=/var/lib/telemon
# One API process per core, four threads each (threads overlap the database round trips; the
# benchmark measured 2 x 4 ahead of 4 sync processes on 2 cores: docs/performance.md).
# Override with GUNICORN_CMD_ARGS on a bigger machine.
ENV GUNICORN_CMD_ARGS="--workers 2 --threads 4"
EXPOSE 8000
# compose runs `telemon init-db` before this in the api service, and overrides it for the
# worker and beat.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "telemon.wsgi:app"]
