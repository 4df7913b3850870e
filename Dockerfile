FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDYBOT_DB=/data/studybot.sqlite3
WORKDIR /app
RUN useradd --create-home --uid 10001 studybot && mkdir /data && chown studybot /data
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY cogs ./cogs
COPY adapters ./adapters
COPY migrations ./migrations
RUN pip install --no-cache-dir -e .
USER studybot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
