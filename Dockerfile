# Renewal web, worker and beat image. Build: docker compose build (see docker-compose.yml).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=renewal.settings

# WeasyPrint needs Pango and HarfBuzz (PDF reports); gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone, so code changes do not reinstall them.
COPY pyproject.toml /tmp/build/
RUN pip install /tmp/build && rm -rf /tmp/build

WORKDIR /app
COPY . .

# Build-time only: settings refuse to load without a SECRET_KEY when DEBUG is off.
RUN SECRET_KEY=build-only-key-not-used-at-runtime-0123456789abcdefghijklmnopqrstuvwxyz \
        python manage.py collectstatic --noinput -v0 \
    && SECRET_KEY=build-only-key-not-used-at-runtime-0123456789abcdefghijklmnopqrstuvwxyz \
        python manage.py compilemessages -v0

# Run unprivileged; /app itself is writable so that celery beat can keep its schedule file there.
# /app/media holds generated reports (a volume shared by web and worker in docker-compose.yml).
RUN useradd --system --uid 10001 --home-dir /app --no-create-home renewal \
    && mkdir -p /app/media \
    && chown renewal:renewal /app /app/media
USER renewal

EXPOSE 8000
CMD ["gunicorn", "renewal.wsgi", "-b", "0.0.0.0:8000", "--workers", "3"]
