# Production image: the web app and the worker (same image, different command).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run --silent vendor

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN useradd --create-home --uid 10001 troopwatch
WORKDIR /app
# The app finds templates, static files and migrations beside its package: install in place.
COPY pyproject.toml README.md ./
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY --from=assets /src/static ./static
RUN pip install -e .
USER troopwatch
EXPOSE 8000
CMD ["troopwatch", "serve", "--host", "0.0.0.0", "--port", "8000"]
