# The bot, installed from uv.lock (no dev extra) as a built wheel: the final image holds a
# virtual environment and no source tree.
ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/studybot
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /src
# Dependencies first, so that a code change reuses this layer.
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-install-project --python /usr/local/bin/python3
COPY bot ./bot
COPY cogs ./cogs
COPY adapters ./adapters
COPY migrations ./migrations
RUN uv sync --frozen --no-editable --python /usr/local/bin/python3

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STUDYBOT_DB=/data/studybot.sqlite3 \
    PATH=/opt/studybot/bin:$PATH
RUN useradd --create-home --uid 10001 studybot && mkdir /data && chown studybot /data
COPY --from=build /opt/studybot /opt/studybot
USER studybot
WORKDIR /home/studybot
VOLUME ["/data"]
CMD ["python", "-m", "bot"]
