# danvan-bot: docker build -t danvan-bot . && docker run -d --name danvan-bot \
#   -e TELEGRAM_BOT_TOKEN=... -v danvan-data:/data --restart unless-stopped danvan-bot
# Details: docs/deploy.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/danvan.db

# A system user without a login shell owns the data volume and nothing else.
RUN useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin danvan \
    && mkdir -p /data \
    && chown danvan:danvan /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY content ./content
# Editable install: the code runs from /app next to content/ (gazetteer, bundled articles),
# which a plain wheel would leave behind.
RUN pip install -e . \
    && python -m compileall -q bot

USER danvan
VOLUME ["/data"]
# Only used in webhook mode (WEBHOOK_URL set); PaaS platforms pass their own PORT.
EXPOSE 8080
# SIGTERM (docker stop) lets the bot finish the message in flight and exit 0.
STOPSIGNAL SIGTERM
CMD ["danvan-bot", "run"]
