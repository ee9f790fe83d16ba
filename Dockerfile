# danvan-bot: docker build -t danvan-bot . && docker run -d --name danvan-bot \
#   -e TELEGRAM_BOT_TOKEN=... -v danvan-data:/data --restart unless-stopped danvan-bot
# Details: docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/danvan.db

# A system user without a login shell owns the data volume and nothing else; the volume is
# private to it (0700): the database holds chat ids and names.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /data \
        --shell /usr/sbin/nologin danvan \
    && mkdir -p /data \
    && chown danvan:danvan /data \
    && chmod 700 /data

# A normal install: the package, with content/ (gazetteer, bundled articles) as package
# data, goes to site-packages; the sources are not kept in the image.
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY bot ./bot
COPY content ./content
RUN pip install . \
    && rm -rf /src

WORKDIR /data
USER danvan
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); PaaS platforms pass their own PORT.
EXPOSE 8080
# SIGTERM (docker stop) lets the bot finish the message in flight and exit 0.
STOPSIGNAL SIGTERM
CMD ["danvan-bot", "run"]
