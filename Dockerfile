# telemon's production image: the API (gunicorn), the Celery worker and beat all run from it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 telemon && mkdir -p /var/lib/telemon \
    && chown telemon /var/lib/telemon
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml constraints.txt README.md ./
RUN mkdir -p telemon workers && touch telemon/__init__.py workers/__init__.py \
    && pip install -c constraints.txt . && pip uninstall -y telemon

COPY telemon ./telemon
COPY workers ./workers
RUN pybabel --quiet compile -d telemon/translations && pip install --no-deps -c constraints.txt .

USER telemon
ENV TELEMON_INSTANCE=/var/lib/telemon
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "4", "telemon.wsgi:app"]
