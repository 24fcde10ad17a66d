# chat-emulator as a CI service container: both products, seeded, ready in about a second.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CHAT_EMULATOR_HOST=0.0.0.0 \
    CHAT_EMULATOR_DATA_DIR=/data

WORKDIR /src
COPY pyproject.toml README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip install --no-cache-dir . \
    && useradd --system --create-home --uid 10001 emulator \
    && mkdir -p /data \
    && chown emulator /data

USER 10001
WORKDIR /home/emulator
VOLUME ["/data"]
EXPOSE 8065 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=3 \
    CMD ["python", "-m", "emulator.healthcheck"]
ENTRYPOINT ["chat-emulator", "serve"]
